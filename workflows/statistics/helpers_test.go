package statistics_test

import (
	"strconv"
	"strings"

	dto "github.com/prometheus/client_model/go"
)

func labels(ls []*dto.LabelPair) string {
	if len(ls) == 0 {
		return ""
	}
	var parts []string
	for _, l := range ls {
		parts = append(parts, l.GetName()+`="`+l.GetValue()+`"`)
	}
	return "{" + strings.Join(parts, ",") + "}"
}

func strconvF(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }
