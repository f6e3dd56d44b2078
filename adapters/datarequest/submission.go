package datarequest

import (
	"fmt"
	"time"

	commonpb "go.temporal.io/api/common/v1"
	"google.golang.org/protobuf/proto"

	"helhed/workflows/datarequest"
)

// prepare checks a submission where it arrives, by the rules the
// workflow's validator applies, so that a refused answer never reaches
// Temporal. A table's file (the upload's bytes, or the API's CSV text) is
// read here, once (datarequest.ReadCSV: decoded, parsed, checked), and
// goes on as rows with the encoding it was read in. It returns the
// submission to send and its answer in canonical form.
func prepare(t datarequest.Task, sub datarequest.Submission, file []byte) (datarequest.Submission, datarequest.Answer, error) {
	in := inputOf(t)
	sub.Encoding = "" // only what a file was read in here
	if file == nil && in.Table != nil && sub.CSV != "" && sub.Rows == nil {
		file = []byte(sub.CSV) // JSON text is UTF-8 already
	}
	if file != nil {
		read, err := datarequest.ReadCSV(&in, file)
		if err != nil {
			return sub, datarequest.Answer{}, err
		}
		sub.CSV, sub.Rows, sub.Encoding = "", read.Rows, read.Encoding
	}
	// The rows are checked again here, cheaply, with the rest of the
	// submission's shape: exactly what the validator will run.
	a, err := datarequest.Check(&in, sub)
	return sub, a, err
}

// fits measures what the workflow will carry once it accepts sub, encoded
// as the client and the workers encode it (JSON sealed by the payload
// codec): the submit Update's argument, and the workflow's result, which
// the parent's child-completed event repeats. Over
// datarequest.MaxPayloadBytes the answer is refused with a Danish
// *datarequest.ValidationError before anything is sent.
func (p *Portal) fits(t datarequest.Task, sub datarequest.Submission, a datarequest.Answer) error {
	res := datarequest.Result{RequestID: t.RequestID, Partner: t.Partner, Status: datarequest.StatusAnswered,
		Values: a.Values, Rows: a.Rows, AnsweredAt: time.Now(), Due: t.Due, OnTime: true}
	largest := 0
	for _, v := range []any{sub, res} {
		payload, err := p.payloads.ToPayload(v)
		if err != nil {
			return fmt.Errorf("measure submission to %s: %w", t.RequestID, err)
		}
		largest = max(largest, proto.Size(&commonpb.Payloads{Payloads: []*commonpb.Payload{payload}}))
	}
	if largest > datarequest.MaxPayloadBytes {
		in := inputOf(t)
		return &datarequest.ValidationError{Errors: []datarequest.FieldError{datarequest.TooLarge(&in, largest)}}
	}
	return nil
}
