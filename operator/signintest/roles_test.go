package signintest

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"helhed/arrears"
	"helhed/internal/testoidc"
	"helhed/internal/teststack"
	"helhed/plan"
	"helhed/workflows/crisis"
	"helhed/workflows/eviction"
)

func crisisInput(t *testing.T, ref string) crisis.Input {
	in := crisis.Example(stack.Plan, time.Now())
	in.Reference = ref
	return in
}

// evictionInputs are cases of two housing organisations' departments.
func evictionInputs(t *testing.T) (own, other eviction.CaseInput) {
	t.Helper()
	var deps []plan.Department
	for _, d := range stack.Plan.Departments {
		if len(deps) == 0 || deps[0].Organisation != d.Organisation {
			deps = append(deps, d)
		}
		if len(deps) == 2 {
			break
		}
	}
	if len(deps) < 2 {
		t.Fatal("the test plan has departments of fewer than two housing organisations")
	}
	today := eviction.DateOf(time.Now())
	mk := func(d plan.Department, n string) eviction.CaseInput {
		return eviction.CaseInput{Organisation: d.Organisation, Department: d.Number, TenancyNumber: n, Arrears: arrears.Kroner(4000),
			DueDate: plan.NewDate(today.Year, today.Month, 1), Contact: eviction.Contact{Name: "Test Lejer", Address: "Testvej 1", Phone: "12345678"}}
	}
	return mk(deps[0], "ROLLE-1"), mk(deps[1], "ROLLE-2")
}

func start(kind string, input any) map[string]any {
	return map[string]any{"kind": kind, "input": input}
}

// TestRolesOnTheAPI: each role does what it may and is refused the rest
// with 403 naming the role needed; decisions carry the person.
func TestRolesOnTheAPI(t *testing.T) {
	tSek, tSag, tKrise, tLaes := signIn(t, sek), signIn(t, sag), signIn(t, krise), signIn(t, laeser)
	own, other := evictionInputs(t)

	// læser reads, and nothing else.
	expect(t, "læser lists", call(t, "GET", "/api/v1/runs", tLaes, nil), 200)
	expect(t, "læser starts a crisis", call(t, "POST", "/api/v1/runs", tLaes, start(crisis.Kind, crisisInput(t, "l1"))), 403, "krisegruppe")
	expect(t, "læser opens a case", call(t, "POST", "/api/v1/runs", tLaes, start(eviction.Kind, own)), 403, "sagsbehandler")

	// krisegruppe activates the crisis plan; the run names the person.
	a := call(t, "POST", "/api/v1/runs", tKrise, start(crisis.Kind, crisisInput(t, "k1")))
	expect(t, "krisegruppe starts a crisis", a, 201)
	id := a.str("workflowId")
	d := call(t, "GET", "/api/v1/runs/"+url.PathEscape(id), tLaes, nil)
	expect(t, "læser reads the crisis", d, 200, `"actor":{"subject":"u-krise","name":"Kim Krise"}`)
	expect(t, "krisegruppe opens a case", call(t, "POST", "/api/v1/runs", tKrise, start(eviction.Kind, own)), 403, "sagsbehandler")
	expect(t, "læser cancels the crisis", call(t, "POST", "/api/v1/runs/"+url.PathEscape(id)+"/cancel", tLaes, map[string]string{"reason": "test"}), 403, "krisegruppe")
	expect(t, "krisegruppe cancels the crisis", call(t, "POST", "/api/v1/runs/"+url.PathEscape(id)+"/cancel", tKrise, map[string]string{"reason": "test slut"}), 200)

	// sagsbehandler: their organisation's cases only.
	expect(t, "sagsbehandler starts a crisis", call(t, "POST", "/api/v1/runs", tSag, start(crisis.Kind, crisisInput(t, "s1"))), 403, "krisegruppe")
	expect(t, "sagsbehandler opens another organisation's case", call(t, "POST", "/api/v1/runs", tSag, start(eviction.Kind, other)), 403, "boligorganisation")
	a = call(t, "POST", "/api/v1/runs", tSag, start(eviction.Kind, own))
	expect(t, "sagsbehandler opens their organisation's case", a, 201)
	ownID := a.str("workflowId")
	a = call(t, "POST", "/api/v1/runs", tSek, start(eviction.Kind, other))
	expect(t, "sekretariat opens any case", a, 201)
	otherID := a.str("workflowId")

	// The case resolves its organisation in its first activity.
	teststack.Eventually(t, "the case worker's case resolved", func() error {
		if a := call(t, "GET", "/api/v1/runs/"+url.PathEscape(ownID), tSag, nil); a.Status != 200 {
			return errors.New(a.Raw)
		}
		return nil
	})
	expect(t, "sagsbehandler reads another organisation's case", call(t, "GET", "/api/v1/runs/"+url.PathEscape(otherID), tSag, nil), 404)
	expect(t, "sagsbehandler steers another organisation's case",
		call(t, "POST", "/api/v1/runs/"+url.PathEscape(otherID)+"/updates/"+eviction.UpdateResolve, tSag, map[string]any{}), 404)
	list := call(t, "GET", "/api/v1/runs?kind="+eviction.Kind, tSag, nil)
	expect(t, "sagsbehandler lists cases", list, 200, ownID)
	if strings.Contains(list.Raw, otherID) {
		t.Errorf("a case worker's list shows another organisation's case %s: %s", otherID, list.Raw)
	}
	expect(t, "sekretariat lists every case", call(t, "GET", "/api/v1/runs?kind="+eviction.Kind, tSek, nil), 200, ownID, otherID)
	// The read model's case list (the API's and the cases page's) keeps
	// the same boundary.
	teststack.Eventually(t, "both cases in the read model", func() error {
		if a := call(t, "GET", "/api/v1/cases", tSek, nil); !strings.Contains(a.Raw, ownID) || !strings.Contains(a.Raw, otherID) {
			return fmt.Errorf("sekretariat's case list: %s", a.Raw)
		}
		return nil
	})
	cases := call(t, "GET", "/api/v1/cases", tSag, nil)
	expect(t, "sagsbehandler's case list", cases, 200, ownID)
	if strings.Contains(cases.Raw, otherID) {
		t.Errorf("a case worker's case list shows another organisation's case %s: %s", otherID, cases.Raw)
	}
	// Routes that change something take the roles they name: an arrears
	// list from a reader is refused before it is read.
	expect(t, "læser imports an arrears list", call(t, "POST", "/api/v1/arrears", tLaes, map[string]string{}), 403, "sagsbehandler")
	expect(t, "krisegruppe issues a calendar link", call(t, "POST", "/api/v1/calendar/subscribers/sekretariatet/token", tKrise, map[string]string{}), 403, "sekretariat")
	expect(t, "læser steers a case", call(t, "POST", "/api/v1/runs/"+url.PathEscape(ownID)+"/updates/"+eviction.UpdateResolve, tLaes, map[string]any{}), 403, "sagsbehandler")
	for _, id := range []string{ownID, otherID} {
		expect(t, "sekretariat closes the case", call(t, "POST", "/api/v1/runs/"+url.PathEscape(id)+"/cancel", tSek, map[string]string{"reason": "test slut"}), 200)
	}
}

// TestRefusedTokens: a valid person without a helhed role is 403 naming
// the roles; a token of another issuer and garbage are 401 saying why.
func TestRefusedTokens(t *testing.T) {
	expect(t, "no role", call(t, "GET", "/api/v1/runs", signIn(t, norole), nil), 403, "ingen rolle")
	foreign := testoidc.Start(t, "helhed", provider.RedirectURI, sek)
	tok, err := foreign.Token(t.Context(), sek.Username, sek.Password)
	if err != nil {
		t.Fatal(err)
	}
	expect(t, "foreign issuer", call(t, "GET", "/api/v1/runs", tok, nil), 401, "udstedt af", foreign.Issuer)
	expect(t, "garbage", call(t, "GET", "/api/v1/runs", "a.b.c", nil), 401, "kunne ikke bekræftes")
	expect(t, "break-glass under -dev", call(t, "GET", "/api/v1/runs", stack.Config.OperatorToken, nil), 200)
}
