package datarequest

// The workflow's own activities, called by name: they are methods of
// Activities in helhed/adapters/datarequest, registered under their method
// names. The names are in recorded histories; never change them.
const (
	ActivityOpenTask   = "OpenTask"   // OpenInput → Opened
	ActivitySaveTask   = "SaveTask"   // Task
	ActivitySendNotice = "SendNotice" // Notice
)

// OpenInput is the first activity's input.
type OpenInput struct {
	Task    Task   `json:"task"`
	Contact string `json:"contact,omitempty"`
}

// Opened is what the workflow learns from the plan when a request opens;
// it is recorded in history, so replays see the same answer.
type Opened struct {
	Contact  string `json:"contact"`
	TimeZone string `json:"timeZone"`
}
