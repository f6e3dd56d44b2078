package report

import (
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/redis/go-redis/v9"

	"helhed/capability"
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

// routes are the operator API's report downloads.
func routes(rdb redis.Cmdable, dataDir string) []capability.Route {
	return []capability.Route{
		{Pattern: "GET /api/v1/reports", Handler: listHandler(rdb, dataDir), Access: capability.Operator},
		{Pattern: "GET /api/v1/reports/{year}/{file}", Handler: fileHandler(dataDir), Access: capability.Operator},
	}
}

// listHandler lists every plan year's versions with their links.
func listHandler(rdb redis.Cmdable, dataDir string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		list, err := listReports(r, rdb, dataDir)
		if err != nil {
			web.WriteError(w, http.StatusInternalServerError, err.Error(), "")
			return
		}
		web.WriteJSON(w, http.StatusOK, map[string]any{"reports": list})
	})
}

// fileHandler serves one version's HTML or PDF.
func fileHandler(dataDir string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		year, file := r.PathValue("year"), r.PathValue("file")
		if !yearRe.MatchString(year) {
			web.WriteError(w, http.StatusBadRequest, "plan year must look like 2024-25", "year")
			return
		}
		m := fileRe.FindStringSubmatch(file)
		if m == nil {
			web.WriteError(w, http.StatusBadRequest, "file must be <version>.html or <version>.pdf, e.g. 1.pdf", "file")
			return
		}
		path := filepath.Join(Dir(dataDir, year), "v"+m[1]+"."+m[2])
		f, err := os.Open(path)
		if errors.Is(err, os.ErrNotExist) {
			web.WriteError(w, http.StatusNotFound, "no report version "+m[1]+" for "+year, "")
			return
		}
		if err != nil {
			web.WriteError(w, http.StatusInternalServerError, "read report: "+err.Error(), "")
			return
		}
		defer f.Close()
		ct := "text/html; charset=utf-8"
		if m[2] == "pdf" {
			ct = "application/pdf"
			w.Header().Set("Content-Disposition", `inline; filename="aarsrapport-`+year+`-v`+m[1]+`.pdf"`)
		}
		w.Header().Set("Content-Type", ct)
		st, _ := f.Stat()
		http.ServeContent(w, r, "", st.ModTime(), f)
	})
}

// listReports scans DATA_DIR/reports and adds each year's state from the
// read model.
func listReports(r *http.Request, rdb redis.Cmdable, dataDir string) ([]Listing, error) {
	root := filepath.Join(dataDir, "reports")
	years, err := os.ReadDir(root)
	if errors.Is(err, os.ErrNotExist) {
		return []Listing{}, nil
	}
	if err != nil {
		return nil, err
	}
	out := []Listing{}
	for _, y := range years {
		if !y.IsDir() || !yearRe.MatchString(y.Name()) {
			continue
		}
		l := Listing{PlanYear: y.Name(), Versions: []ListedFiles{}}
		if b, err := rdb.Get(r.Context(), KeyState(y.Name())).Bytes(); err == nil {
			var s report.State
			if json.Unmarshal(b, &s) == nil {
				l.Stage, l.Approved = s.Stage, s.Approved
			}
		}
		files, err := os.ReadDir(filepath.Join(root, y.Name()))
		if err != nil {
			return nil, err
		}
		byVersion := map[int]*ListedFiles{}
		for _, f := range files {
			m := fileRe.FindStringSubmatch(f.Name())
			if m == nil || !strings.HasPrefix(f.Name(), "v") {
				continue
			}
			n, _ := strconv.Atoi(m[1])
			lf, ok := byVersion[n]
			if !ok {
				lf = &ListedFiles{Version: n}
				byVersion[n] = lf
			}
			link := "/api/v1/reports/" + y.Name() + "/" + m[1] + "." + m[2]
			if m[2] == "pdf" {
				lf.PDF = link
			} else {
				lf.HTML = link
			}
		}
		for _, lf := range byVersion {
			l.Versions = append(l.Versions, *lf)
		}
		sort.Slice(l.Versions, func(i, j int) bool { return l.Versions[i].Version < l.Versions[j].Version })
		out = append(out, l)
	}
	return out, nil
}
