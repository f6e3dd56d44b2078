package report

import (
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/redis/go-redis/v9"

	"helhed/capability"
	"helhed/docstore"
	"helhed/web"
	"helhed/workflows/report"
)

var (
	yearRe = regexp.MustCompile(`^\d{4}-\d{2}$`)
	fileRe = regexp.MustCompile(`^v?(\d+)\.(html|pdf)$`)
)

// Listing is one plan year's reports in GET /api/v1/reports.
type Listing struct {
	PlanYear string        `json:"planYear"`
	Stage    string        `json:"stage,omitempty"`
	Approved int           `json:"approved,omitempty"`
	Versions []ListedFiles `json:"versions"`
}

// ListedFiles are one version's download links.
type ListedFiles struct {
	Version int    `json:"version"`
	HTML    string `json:"html,omitempty"`
	PDF     string `json:"pdf,omitempty"`
}

// versionFile reads a kept file's name, v<N>.html or v<N>.pdf.
func versionFile(name string) (version int, ext string, ok bool) {
	m := fileRe.FindStringSubmatch(name)
	if m == nil || !strings.HasPrefix(name, "v") {
		return 0, "", false
	}
	n, _ := strconv.Atoi(m[1])
	return n, m[2], true
}

// routes are the operator API's report downloads; log gets the store's
// errors, which the answers leave out.
func routes(rdb redis.Cmdable, docs docstore.Store, log *slog.Logger) []capability.Route {
	if log == nil {
		log = slog.Default()
	}
	return []capability.Route{
		{Pattern: "GET /api/v1/reports", Handler: listHandler(rdb, docs, log), Access: capability.Operator},
		{Pattern: "GET /api/v1/reports/{year}/{file}", Handler: fileHandler(docs, log), Access: capability.Operator},
	}
}

// listHandler lists every plan year's versions with their links.
func listHandler(rdb redis.Cmdable, docs docstore.Store, log *slog.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		list, err := listReports(r, rdb, docs)
		if err != nil {
			log.Error("list reports", "err", err)
			web.WriteError(w, http.StatusInternalServerError, "rapporterne kunne ikke læses; se workerens log", "")
			return
		}
		web.WriteJSON(w, http.StatusOK, map[string]any{"reports": list})
	})
}

// fileHandler serves one version's HTML or PDF.
func fileHandler(docs docstore.Store, log *slog.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		year, file := r.PathValue("year"), r.PathValue("file")
		if !yearRe.MatchString(year) {
			web.WriteError(w, http.StatusBadRequest, "planåret skrives som 2024-25", "year")
			return
		}
		m := fileRe.FindStringSubmatch(file)
		if m == nil {
			web.WriteError(w, http.StatusBadRequest, "filen skal hedde <version>.html eller <version>.pdf, fx 1.pdf", "file")
			return
		}
		key := Prefix(year) + "v" + m[1] + "." + m[2]
		doc, err := docs.Get(r.Context(), key)
		if errors.Is(err, docstore.ErrNotFound) {
			web.WriteError(w, http.StatusNotFound, "rapporten for planåret "+year+" har ingen version "+m[1], "")
			return
		}
		if err != nil {
			log.Error("read report", "key", key, "err", err)
			web.WriteError(w, http.StatusInternalServerError, "rapporten kunne ikke læses; se workerens log", "")
			return
		}
		if m[2] == "pdf" {
			w.Header().Set("Content-Disposition", `inline; filename="aarsrapport-`+year+`-v`+m[1]+`.pdf"`)
		}
		docstore.Serve(w, r, doc)
	})
}

// listReports lists the kept versions by plan year and adds each year's
// state from the read model.
func listReports(r *http.Request, rdb redis.Cmdable, docs docstore.Store) ([]Listing, error) {
	kept, err := docs.List(r.Context(), "reports/")
	if err != nil {
		return nil, err
	}
	byYear := map[string]map[int]*ListedFiles{}
	for _, d := range kept {
		year, name, _ := strings.Cut(strings.TrimPrefix(d.Key, "reports/"), "/")
		n, ext, ok := versionFile(name)
		if !ok || !yearRe.MatchString(year) {
			continue
		}
		if byYear[year] == nil {
			byYear[year] = map[int]*ListedFiles{}
		}
		lf, ok := byYear[year][n]
		if !ok {
			lf = &ListedFiles{Version: n}
			byYear[year][n] = lf
		}
		link := "/api/v1/reports/" + year + "/" + strconv.Itoa(n) + "." + ext
		if ext == "pdf" {
			lf.PDF = link
		} else {
			lf.HTML = link
		}
	}
	out := []Listing{}
	for year, versions := range byYear {
		l := Listing{PlanYear: year, Versions: []ListedFiles{}}
		if b, err := rdb.Get(r.Context(), KeyState(year)).Bytes(); err == nil {
			var s report.State
			if json.Unmarshal(b, &s) == nil {
				l.Stage, l.Approved = s.Stage, s.Approved
			}
		}
		for _, lf := range versions {
			l.Versions = append(l.Versions, *lf)
		}
		sort.Slice(l.Versions, func(i, j int) bool { return l.Versions[i].Version < l.Versions[j].Version })
		out = append(out, l)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].PlanYear < out[j].PlanYear })
	return out, nil
}
