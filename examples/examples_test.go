// Package examples holds synthetic input files for trying helhed: an
// arrears list (rykkerliste.csv) and a school's absence file (fravaer.csv).
// Every name, address and id in them is made up. The tests keep them valid
// for the embedded plans and for today.
package examples

import (
	"bytes"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"helhed/arrears"
	"helhed/plan"
	"helhed/pseudonym"
	"helhed/workflows/absence"
	"helhed/workflows/datarequest"
)

// TestArrearsListImports: every line of rykkerliste.csv is accepted by the
// arrears parser, with each embedded plan (the Randers plan's organisations
// and departments) and with today as the list's date.
func TestArrearsListImports(t *testing.T) {
	file, err := os.ReadFile("rykkerliste.csv")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(file, []byte("Syntetisk Lejer")) {
		t.Fatal("rykkerliste.csv should name obviously synthetic tenants")
	}
	for _, id := range plan.Embedded() {
		p, err := plan.LoadEmbedded(id)
		if err != nil {
			t.Fatal(err)
		}
		res, err := arrears.Parse(bytes.NewReader(file), arrears.Options{Plan: p,
			Hasher: pseudonym.New(bytes.Repeat([]byte{7}, 32)), ListDate: p.DateOf(time.Now())})
		if err != nil {
			t.Fatalf("plan %s: %v", id, err)
		}
		for _, r := range res.Rejected {
			t.Errorf("plan %s: line %d rejected: %s", id, r.Line, r.Error)
		}
		for _, d := range res.Duplicates {
			t.Errorf("plan %s: line %d repeats line %d", id, d.Line, d.FirstLine)
		}
		if want := strings.Count(strings.TrimSpace(string(file)), "\n"); res.Lines != want || len(res.Entries) != want {
			t.Errorf("plan %s: %d lines read, %d accepted; want %d", id, res.Lines, len(res.Entries), want)
		}
	}
}

// exampleSchool is the school fravaer.csv is written for.
const exampleSchool = "noerrevangsskolen"

// TestAbsenceFileAccepted: fravaer.csv passes the absence round's rules for
// one school, as its upload would: the round's table (columns and types)
// and the round's own check (the school's areas, unique pupil ids, days
// that add up).
func TestAbsenceFileAccepted(t *testing.T) {
	file, err := os.ReadFile("fravaer.csv")
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range plan.Embedded() {
		p, err := plan.LoadEmbedded(id)
		if err != nil {
			t.Fatal(err)
		}
		q := absence.QuarterOf(p.Period.Start)
		setup, err := absence.BuildSetup(p, absence.Input{Plan: p.ID, Quarter: q.String()})
		if err != nil {
			t.Fatalf("plan %s: %v", id, err)
		}
		var areas []absence.Area
		for _, sc := range setup.Schools {
			if sc.ID != exampleSchool {
				continue
			}
			for _, a := range setup.Areas {
				if slices.Contains(sc.Areas, a.ID) {
					areas = append(areas, a)
				}
			}
		}
		if len(areas) == 0 {
			t.Fatalf("plan %s: school %s serves no area", id, exampleSchool)
		}
		table := absence.Table()
		sub, err := datarequest.ReadCSV(&datarequest.Input{Table: &table}, file)
		if err != nil {
			t.Fatalf("plan %s: the round's table refuses fravaer.csv: %v", id, err)
		}
		pupils, problems := absence.Check(exampleSchool, sub.Rows, areas)
		for _, pr := range problems {
			t.Errorf("plan %s: %s", id, pr)
		}
		if want := strings.Count(strings.TrimSpace(string(file)), "\n"); len(pupils) != want {
			t.Errorf("plan %s: %d pupils accepted, want %d", id, len(pupils), want)
		}
	}
}
