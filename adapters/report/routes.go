package report

import (
	"encoding/json"
	"errors"
	"log/slog"
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

// routes are the operator API's report downloads; log gets the file
// system's errors, which the answers leave out.
func routes(rdb redis.Cmdable, dataDir string, log *slog.Logger) []capability.Route {
	if log == nil {
		log = slog.Default()
	}
	return []capability.Route{
		{Pattern: "GET /api/v1/reports", Handler: listHandler(rdb, dataDir, log), Access: capability.Operator},
		{Pattern: "GET /api/v1/reports/{year}/{file}", Handler: fileHandler(dataDir, log), Access: capability.Operator},
	}
}

// listHandler lists every plan year's versions with their links.
func listHandler(rdb redis.Cmdable, dataDir string, log *slog.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		list, err := listReports(r, rdb, dataDir)
		if err != nil {
			log.Error("list reports", "err", err)
			web.WriteError(w, http.StatusInternalServerError, "rapporterne kunne ikke læses; se workerens log", "")
			return
		}
		web.WriteJSON(w, http.StatusOK, map[string]any{"reports": list})
	})
}

// fileHandler serves one version's HTML or PDF.
func fileHandler(dataDir string, log *slog.Logger) http.Handler {
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
		path := filepath.Join(Dir(dataDir, year), "v"+m[1]+"."+m[2])
		f, err := os.Open(path)
		if errors.Is(err, os.ErrNotExist) {
			web.WriteError(w, http.StatusNotFound, "rapporten for planåret "+year+" har ingen version "+m[1], "")
			return
		}
		if err != nil {
			log.Error("read report", "path", path, "err", err)
			web.WriteError(w, http.StatusInternalServerError, "rapporten kunne ikke læses; se workerens log", "")
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
