// Command gen writes the dashboards' JSON files (go generate ./dashboards).
package main

import (
	"flag"
	"log"
	"os"
	"path/filepath"

	"helhed/dashboards"
)

func main() {
	dir := flag.String("dir", ".", "directory to write the dashboard JSON files into")
	flag.Parse()
	files, err := dashboards.Render()
	if err != nil {
		log.Fatal(err)
	}
	for name, b := range files {
		if err := os.WriteFile(filepath.Join(*dir, name), b, 0o644); err != nil {
			log.Fatal(err)
		}
	}
}
