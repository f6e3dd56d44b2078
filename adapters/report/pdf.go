package report

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"

	"github.com/chromedp/chromedp"
)

// ChromiumPath finds headless Chromium: $CHROMIUM_PATH, else chromium or
// chromium-browser on PATH (Debian: /usr/bin/chromium).
func ChromiumPath() (string, error) {
	if p := os.Getenv("CHROMIUM_PATH"); p != "" {
		return p, nil
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p, nil
		}
	}
	return "", fmt.Errorf("chromium not found (install the Debian package chromium, or set CHROMIUM_PATH)")
}

// PrintPDF renders the HTML file at htmlPath to an A4 PDF with Chromium's
// print-to-PDF, in a fresh browser with its own profile directory.
func PrintPDF(ctx context.Context, htmlPath string) ([]byte, error) {
	bin, err := ChromiumPath()
	if err != nil {
		return nil, err
	}
	abs, err := filepath.Abs(htmlPath)
	if err != nil {
		return nil, err
	}
	profile, err := os.MkdirTemp("", "helhed-chromium-")
	if err != nil {
		return nil, fmt.Errorf("chromium profile dir: %w", err)
	}
	defer os.RemoveAll(profile)
	// The defaults are headless, no first run, no background networking,
	// no sync; the rest are the flags a container needs.
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(bin), chromedp.UserDataDir(profile), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-component-update", true))
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	defer cancelAlloc()
	bctx, cancel := chromedp.NewContext(allocCtx)
	defer cancel()
	if err := chromedp.Do(bctx, chromedp.Navigate((&url.URL{Scheme: "file", Path: abs}).String()), chromedp.WaitReady("body")); err != nil {
		return nil, fmt.Errorf("load %s in %s: %w", filepath.Base(htmlPath), bin, err)
	}
	pdf, err := chromedp.Run(bctx, chromedp.PrintToPDF(chromedp.PDFPaper(chromedp.PaperA4), chromedp.PDFPrintBackground(), chromedp.PDFPreferCSSPageSize()))
	if err != nil {
		return nil, fmt.Errorf("print %s to PDF with %s: %w", filepath.Base(htmlPath), bin, err)
	}
	return pdf, nil
}
