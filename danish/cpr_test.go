package danish

import "testing"

func TestLooksLikeCPR(t *testing.T) {
	yes := []string{
		"010190-1234", "0101901234", "Navn 311299-4321", "290200-1111", "290204 1234", "x0101901234y",
		"Offer 010203-1234", "Beboer 0102031234 truet", "010190-1234 og mere", "ab;010190-1234;cd",
		"290296-1234", // 29 February 1996
	}
	no := []string{
		"", "20112233", "+45 20 11 22 33", "4520112233", "12.345,50", "01-02-2026", "2026-02-01",
		"310290-1234",   // 31 February
		"999999-9999",   // no date
		"1234567890",    // 12 of month 34
		"01019012345",   // eleven digits
		"0101901234567", // thirteen digits
		"27-101-7", "010190-12345", "010190-123", "290201-1234", "010190_1234", "A1",
	}
	for _, s := range yes {
		if !LooksLikeCPR(s) {
			t.Errorf("%q not flagged", s)
		}
	}
	for _, s := range no {
		if LooksLikeCPR(s) {
			t.Errorf("%q flagged", s)
		}
	}
}

func TestRedactCPR(t *testing.T) {
	cases := map[string]string{
		"a;Cpr 010190-1234;0101901234;20112233\n": "a;Cpr XXXXXX-XXXX;XXXXXX-XXXX;20112233\n",
		"nothing 12":             "nothing 12",
		"010190 1234":            "XXXXXX-XXXX",
		"Søren 311299-4321, Åse": "Søren XXXXXX-XXXX, Åse",
		"\xf8 0101901234 \xe6":   "\xf8 XXXXXX-XXXX \xe6", // Windows-1252 bytes around it
	}
	for in, want := range cases {
		if got := RedactCPR(in); got != want {
			t.Errorf("RedactCPR(%q) = %q, want %q", in, got, want)
		}
	}
}
