package report

import (
	"bytes"
	"context"
	"encoding/xml"
	"image"
	"image/color"
	"image/png"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

func TestSVGGolden(t *testing.T) {
	for name, recs := range map[string]func() []byte{
		"sample.svg.golden":    func() []byte { var b bytes.Buffer; SVG(&b, sample()); return b.Bytes() },
		"crashloop.svg.golden": func() []byte { var b bytes.Buffer; SVG(&b, crashLoop()); return b.Bytes() },
	} {
		got := recs()
		// The SVG is a well-formed XML document on its own.
		dec := xml.NewDecoder(bytes.NewReader(got))
		for {
			if _, err := dec.Token(); err == io.EOF {
				break
			} else if err != nil {
				t.Fatalf("%s: not well-formed XML: %v", name, err)
			}
		}
		golden(t, name, got)
	}
}

// TestSVGLanes checks the drawing's content: a lane per pod, container and
// service, a rectangle per span at its place on the time axis, and a
// hover title on every rectangle and mark.
func TestSVGLanes(t *testing.T) {
	var b bytes.Buffer
	if err := SVG(&b, crashLoop()); err != nil {
		t.Fatal(err)
	}
	svg := b.String()
	for _, lane := range []string{`data-lane="pod/p"`, `data-lane="container/web"`, `data-lane="service/s"`} {
		if strings.Count(svg, lane) != 1 {
			t.Errorf("want one %s", lane)
		}
	}
	// The back-off wait runs from 41 s to 51.5 s of a 60 s run drawn 860
	// px wide from x=250.
	want := `<rect class="s-backoff" x="837.7" y="` // 250 + 41/60*860
	if !strings.Contains(svg, want) {
		t.Errorf("no back-off rectangle at x=837.7 in:\n%s", svg)
	}
	if !strings.Contains(svg, "waiting: CrashLoopBackOff: 00:41.000 to 00:51.500 (10.5s)</title>") {
		t.Error("the back-off rectangle has no title with its times")
	}
	untitled := regexp.MustCompile(`<(rect|path|circle) [^>]*/>`)
	if m := untitled.FindString(svg); m != "" {
		t.Errorf("an element without a <title>: %s", m)
	}
	if n := strings.Count(svg, `class="m-liveness"`); n != 4 {
		t.Errorf("%d liveness failure marks, want 4", n)
	}
}

// TestHTMLSelfContained checks that the page loads nothing: no URL other
// than the SVG namespace, no external script or style.
func TestHTMLSelfContained(t *testing.T) {
	var b bytes.Buffer
	if err := HTML(&b, sample()); err != nil {
		t.Fatal(err)
	}
	page := b.String()
	for _, bad := range []string{"src=", "href=", "@import", "url("} {
		if strings.Contains(page, bad) {
			t.Errorf("the page contains %q", bad)
		}
	}
	urls := regexp.MustCompile(`https?://[^"'\s<]*`).FindAllString(page, -1)
	for _, u := range urls {
		if u != "http://www.w3.org/2000/svg" {
			t.Errorf("the page names a URL: %s", u)
		}
	}
	for _, want := range []string{"<svg", "Key moments", "Events", "Back-off restarting failed container web", "web-5d4f-x2x", "sha256:0000"} {
		if !strings.Contains(page, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
}

// chromiumPath finds Debian's chromium (or a chromium on PATH).
func chromiumPath() string {
	for _, p := range []string{"/usr/bin/chromium", "/usr/bin/chromium-browser"} {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	if p, err := exec.LookPath("chromium"); err == nil {
		return p
	}
	return ""
}

// runChromium runs headless Chromium on a file with extra flags, with a
// fresh profile and no network activity of its own.
func runChromium(t *testing.T, bin, page string, extra ...string) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	args := []string{
		"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--disable-dev-shm-usage", "--hide-scrollbars", "--force-device-scale-factor=1",
		"--force-color-profile=srgb", "--user-data-dir=" + t.TempDir(),
	}
	args = append(args, extra...)
	args = append(args, "file://"+page)
	cmd := exec.CommandContext(ctx, bin, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium %v: %v\n%s", extra, err, stderr.String())
	}
	return stdout.Bytes()
}

// TestHTMLInChromium renders the page in headless Chromium and checks that
// it shows the lanes: the DOM after the page's script has run holds the
// lanes and the tooltip the script adds, and a screenshot has the lane
// colours where the timeline is drawn. It skips when Chromium is not
// installed (.ci/run installs Debian's chromium package).
func TestHTMLInChromium(t *testing.T) {
	bin := chromiumPath()
	if bin == "" {
		t.Skip("chromium is not installed (apt-get install chromium); .ci/run installs it")
	}
	if testing.Short() {
		t.Skip("starts a browser; skipped with -short")
	}
	dir := t.TempDir()
	page := filepath.Join(dir, "run.html")
	var b bytes.Buffer
	if err := HTML(&b, crashLoop()); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(page, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}

	dom := string(runChromium(t, bin, page, "--dump-dom"))
	if !strings.Contains(dom, `<div id="tip"`) {
		t.Errorf("the page's script did not run: no tooltip element in the DOM:\n%.2000s", dom)
	}
	for _, lane := range []string{`data-lane="pod/p"`, `data-lane="container/web"`, `data-lane="service/s"`} {
		if !strings.Contains(dom, lane) {
			t.Errorf("the rendered DOM has no %s", lane)
		}
	}

	shot := filepath.Join(dir, "shot.png")
	runChromium(t, bin, page, "--window-size=1200,700", "--screenshot="+shot)
	f, err := os.Open(shot)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	// The lane area: right of the labels, below the page's header, where
	// the SVG's lanes are (the page margin is 24 px, the labels 250).
	area := image.Rect(24+svgLabelW, 100, 24+svgLabelW+svgPlotW, 300).Intersect(img.Bounds())
	count := map[string]int{}
	want := map[string]color.RGBA{
		"ready":   {0x2e, 0x7d, 0x32, 0xff},
		"running": {0x81, 0xc7, 0x84, 0xff},
		"backoff": {0xef, 0x6c, 0x00, 0xff},
		"zero":    {0xe5, 0x39, 0x35, 0xff},
	}
	other := 0
	for y := area.Min.Y; y < area.Max.Y; y++ {
		for x := area.Min.X; x < area.Max.X; x++ {
			c := color.RGBAModel.Convert(img.At(x, y)).(color.RGBA)
			matched := false
			for name, w := range want {
				if near(c, w) {
					count[name]++
					matched = true
				}
			}
			if !matched && c != (color.RGBA{0xff, 0xff, 0xff, 0xff}) {
				other++
			}
		}
	}
	// The back-off lasts 10.5 s of 60: about 150 px wide, 12 high.
	for name := range want {
		if count[name] < 200 {
			t.Errorf("the screenshot's lane area has %d %s pixels, want a lane of them (counts %v, other %d)", count[name], name, count, other)
		}
	}
}

// near reports whether two colours are the same up to rounding.
func near(a, b color.RGBA) bool {
	d := func(x, y uint8) int {
		if x > y {
			return int(x - y)
		}
		return int(y - x)
	}
	return d(a.R, b.R) <= 2 && d(a.G, b.G) <= 2 && d(a.B, b.B) <= 2
}
