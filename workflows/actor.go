package workflows

import "time"

// Actor is the person who took a decision: the signed-in operator's
// pseudonymous subject (the identity provider's "sub") and display name.
// The run layer fills it into a start's input or an Update's argument
// from the caller's sign-in, overwriting whatever the caller sent, so it
// travels inside the encrypted payload and the history never shows the
// name in clear. Nil when the caller was the process itself (a schedule,
// the importer, the starter on the Temporal client).
type Actor struct {
	Subject string `json:"subject"`
	Name    string `json:"name,omitempty"`
}

// Label is how pages and histories name the actor: the name, else the
// subject, else "" (no person).
func (a *Actor) Label() string {
	switch {
	case a == nil:
		return ""
	case a.Name != "":
		return a.Name
	}
	return a.Subject
}

// ActorCarrier is an input or Update argument that records who sent it.
// The run layer calls SetActor after decoding; the field's form tag keeps
// it out of the generated forms.
type ActorCarrier interface {
	SetActor(*Actor)
}

// By is embedded in an input or Update argument to carry its Actor
// ("actor" in JSON): the run layer sets it, the workflow keeps it.
type By struct {
	Actor *Actor `json:"actor,omitempty"`
}

// SetActor records who sent the input or argument.
func (b *By) SetActor(a *Actor) { b.Actor = a }

// Decision is one Update a workflow took: which, when (workflow time) and
// who sent it (nil when the process itself did).
type Decision struct {
	Update string    `json:"update"`
	At     time.Time `json:"at"`
	By     *Actor    `json:"by,omitempty"`
}
