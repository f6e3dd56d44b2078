package plan

// Eviction holds the settings of eviction prevention; the section is
// optional and every key has a default.
type Eviction struct {
	DemandReceipt DemandReceipt `yaml:"demand_receipt,omitempty"`
}

// DemandReceipt says when a påkrav counts as received when no receipt is
// recorded: the tenant's 14 days run from receipt, so the assumption must
// never be earlier than the real delivery. Each value is the number of
// delivery days (hverdage other than Saturday: no delivery then) after the
// day of sending; 0 is the day of sending itself.
type DemandReceipt struct {
	// DigitalPost: available in the tenant's digital mailbox the day it
	// is sent (default 0).
	DigitalPost int `yaml:"digital_post"`
	// Quickbrev: delivered the next delivery day (default 1).
	Quickbrev int `yaml:"quickbrev"`
	// Letter: an ordinary letter, delivered within the postal service's
	// promise of 5 delivery days (default 5).
	Letter int `yaml:"letter"`
}

// DefaultDemandReceipt are the receipt assumptions of a plan that sets
// none.
var DefaultDemandReceipt = DemandReceipt{DigitalPost: 0, Quickbrev: 1, Letter: 5}

// maxReceiptDays bounds an assumption: a påkrav not delivered within six
// weeks is lost, and the case needs a recorded receipt instead.
const maxReceiptDays = 30

const demandReceiptPath = "$.eviction.demand_receipt"

// applyEvictionDefaults fills the receipt assumptions the file leaves out.
func applyEvictionDefaults(p *Plan, idx lineIndex) {
	r := &p.Eviction.DemandReceipt
	for _, f := range []struct {
		key      string
		v        *int
		fallback int
	}{
		{"digital_post", &r.DigitalPost, DefaultDemandReceipt.DigitalPost},
		{"quickbrev", &r.Quickbrev, DefaultDemandReceipt.Quickbrev},
		{"letter", &r.Letter, DefaultDemandReceipt.Letter},
	} {
		if !idx.has(demandReceiptPath + "." + f.key) {
			*f.v = f.fallback
		}
	}
}

// checkEviction checks the receipt assumptions.
func (v *validator) checkEviction() {
	r := v.p.Eviction.DemandReceipt
	for key, n := range map[string]int{"digital_post": r.DigitalPost, "quickbrev": r.Quickbrev, "letter": r.Letter} {
		if n < 0 || n > maxReceiptDays {
			v.addf(demandReceiptPath+"."+key, "a påkrav assumed received %d delivery days after sending: use 0 to %d", n, maxReceiptDays)
		}
	}
}
