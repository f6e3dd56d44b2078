package datarequest_test

import (
	"errors"
	"strings"
	"testing"

	"helhed/workflows/datarequest"
)

// TestAmountField: an amount in kroner is read the Danish way and stored
// as kroner with a decimal point; a negative amount or one with more than
// two decimals is refused, naming the field.
func TestAmountField(t *testing.T) {
	in := &datarequest.Input{RequestID: "test/amount", Partner: "bysekretariatet", Title: "Forbrug", Due: "2026-04-07",
		Fields: []datarequest.Field{{Key: "forbrug", Label: "Forbrug", Type: datarequest.Amount, Unit: "kr."}}}
	if fe := datarequest.CheckInput(in); fe != nil {
		t.Fatalf("an amount field is not a valid definition: %v", fe)
	}
	for raw, want := range map[string]string{"12.345,50 kr.": "12345.5", "kr. 2.500": "2500", "0": "0", "125000": "125000"} {
		ans, err := datarequest.Check(in, datarequest.Submission{Values: map[string]string{"forbrug": raw}})
		if err != nil || ans.Values["forbrug"] != want {
			t.Errorf("%q: %v, %v; want %s", raw, ans.Values, err, want)
		}
	}
	for raw, want := range map[string]string{"-2.500,00": "-2.500,00 kr. er negativt", "(100)": "-100,00 kr. er negativt",
		"12,345": "har mere end to decimaler", "tolv": "er ikke et beløb"} {
		_, err := datarequest.Check(in, datarequest.Submission{Values: map[string]string{"forbrug": raw}})
		var ve *datarequest.ValidationError
		if !errors.As(err, &ve) || ve.Errors[0].Field != "forbrug" || !strings.Contains(ve.Errors[0].Message, want) {
			t.Errorf("%q: %v, want a message with %q", raw, err, want)
		}
	}
}
