// Package listing pages the workbench lists (tasks, schedules, meeting
// rounds, report versions, crisis activations) one way: a fixed page size,
// the page number in the query as "side", and links that keep the list's
// filters and sort.
package listing

import (
	"net/http"
	"strconv"
)

// PageSize is the number of rows on a workbench list page.
const PageSize = 20

// Page is where a list page sits among its pages, for the pager links.
type Page struct {
	Number int // 1-based
	Pages  int
	Total  int    // rows in the whole (filtered) list
	Prev   string // "" on the first page
	Next   string // "" on the last page
}

// Paginate returns the rows of items on the page r asks for ("side"; the
// last page when it asks beyond it) and the links to the pages beside it,
// which keep r's other query parameters.
func Paginate[T any](items []T, r *http.Request) ([]T, Page) {
	p := Page{Total: len(items), Pages: max(1, (len(items)+PageSize-1)/PageSize)}
	p.Number, _ = strconv.Atoi(r.URL.Query().Get("side"))
	p.Number = min(max(p.Number, 1), p.Pages)
	link := func(n int) string {
		q := r.URL.Query()
		q.Set("side", strconv.Itoa(n))
		return r.URL.Path + "?" + q.Encode()
	}
	if p.Number > 1 {
		p.Prev = link(p.Number - 1)
	}
	if p.Number < p.Pages {
		p.Next = link(p.Number + 1)
	}
	start := (p.Number - 1) * PageSize
	return items[start:min(start+PageSize, len(items))], p
}
