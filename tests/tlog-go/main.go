// Command tlog-go checks a directory of Xinnuo's transparency log with Go's golang.org/x/mod/sumdb/note and
// sumdb/tlog: code nobody on the project wrote. It exits non-zero on any mismatch.
//
// The directory (written by `cargo xtask tlog-interop`):
//
//	origin                   the log's origin line
//	vkey                     the log's verifier key
//	witness-vkey             a witness's cosignature/v1 verifier key (signature type 0x04); optional
//	log/checkpoint           the signed checkpoint (C2SP tlog-checkpoint)
//	log/tile/<L>/<N>[.p/<W>] hash tiles (C2SP tlog-tiles; Go's tiles of height 8 without the height element)
//	log/tile/entries/<N>...  entry bundles
//	proofs/*.tlog-proof      C2SP tlog-proofs of some entries (optional)
//	consistency/<old>/old-checkpoint, add-checkpoint
//	                         an older signed checkpoint and a C2SP tlog-witness add-checkpoint body from it
//	                         (optional)
//
// Checked: the checkpoint's signature (note.Open with the log's vkey; other signatures, such as witness
// cosignatures, are unknown to it and ignored); the tiles against the checkpoint's root (tlog.TileHashReader,
// tlog.TreeHash); every entry of every bundle against the level-0 hashes; Go's own tree of the entries
// (tlog.StoredHashes): its root and every tile (tlog.ReadTileData) equal to ours; each tlog-proof (note.Open,
// tlog.CheckRecord) and that Go proves the same hashes from the tiles (tlog.ProveRecord); each consistency
// proof (tlog.CheckTree), Go's own (tlog.ProveTree) equal to ours, and the older root recomputed from the tiles;
// the witness's cosignature on the checkpoint when a witness-vkey is given (crypto/ed25519: x/mod 0.7.0's note
// knows only type 0x01).
package main

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

const height = 8

type dirTiles struct{ dir string }

func (d dirTiles) Height() int { return height }

// c2spPath turns Go's tile path (tile/8/L/N[.p/W]) into the C2SP one (tile/L/N[.p/W]).
func c2spPath(t tlog.Tile) string {
	return "tile/" + strings.TrimPrefix(t.Path(), fmt.Sprintf("tile/%d/", height))
}

func (d dirTiles) ReadTiles(tiles []tlog.Tile) ([][]byte, error) {
	out := make([][]byte, len(tiles))
	for i, t := range tiles {
		if t.H != height || t.L < 0 {
			return nil, fmt.Errorf("unexpected tile %s", t.Path())
		}
		data, err := os.ReadFile(filepath.Join(d.dir, "log", filepath.FromSlash(c2spPath(t))))
		if err != nil {
			return nil, err
		}
		out[i] = data
	}
	return out, nil
}

func (d dirTiles) SaveTiles([]tlog.Tile, [][]byte) {}

func fail(format string, args ...interface{}) {
	fmt.Fprintf(os.Stderr, "tlog-go: FAIL: "+format+"\n", args...)
	os.Exit(1)
}

func readText(path string) string {
	data, err := os.ReadFile(path)
	if err != nil {
		fail("%v", err)
	}
	return string(data)
}

// openCheckpoint verifies a signed checkpoint with the log's key and reads its tree.
func openCheckpoint(what string, msg []byte, verifiers note.Verifiers, origin string) tlog.Tree {
	n, err := note.Open(msg, verifiers)
	if err != nil {
		fail("%s: note.Open: %v", what, err)
	}
	lines := strings.SplitN(n.Text, "\n", 4)
	if len(lines) < 4 || lines[0] != origin {
		fail("%s: not a checkpoint of %q", what, origin)
	}
	size, err := strconv.ParseInt(lines[1], 10, 64)
	if err != nil || size < 0 || strconv.FormatInt(size, 10) != lines[1] {
		fail("%s: bad tree size %q", what, lines[1])
	}
	hash, err := tlog.ParseHash(lines[2])
	if err != nil {
		fail("%s: bad root hash %q", what, lines[2])
	}
	return tlog.Tree{N: size, Hash: hash}
}

// parseHashes reads base64 hash lines up to an empty line and returns them with the rest of the text.
func parseHashes(what, text string) ([]tlog.Hash, string) {
	var hashes []tlog.Hash
	for {
		i := strings.IndexByte(text, '\n')
		if i < 0 {
			fail("%s: no empty line before the checkpoint", what)
		}
		line := text[:i]
		text = text[i+1:]
		if line == "" {
			return hashes, text
		}
		h, err := tlog.ParseHash(line)
		if err != nil {
			fail("%s: bad hash %q", what, line)
		}
		hashes = append(hashes, h)
	}
}

func sameHashes(a, b []tlog.Hash) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: tlog-go DIR")
		os.Exit(2)
	}
	dir := os.Args[1]
	origin := strings.TrimSpace(readText(filepath.Join(dir, "origin")))
	verifier, err := note.NewVerifier(strings.TrimSpace(readText(filepath.Join(dir, "vkey"))))
	if err != nil {
		fail("note.NewVerifier: %v", err)
	}
	verifiers := note.VerifierList(verifier)

	tree := openCheckpoint("log/checkpoint", []byte(readText(filepath.Join(dir, "log", "checkpoint"))), verifiers, origin)
	tiles := dirTiles{dir}
	thr := tlog.TileHashReader(tree, tiles)
	root, err := tlog.TreeHash(tree.N, thr)
	if err != nil {
		fail("tlog.TreeHash from the tiles: %v", err)
	}
	if root != tree.Hash {
		fail("the tiles' root %v is not the checkpoint's %v", root, tree.Hash)
	}

	// Every entry of every bundle hashes to its level-0 hash.
	entries := make([][]byte, 0, tree.N)
	for n := int64(0); n*256 < tree.N; n++ {
		width := tree.N - n*256
		if width > 256 {
			width = 256
		}
		bundleTile := tlog.Tile{H: height, L: 0, N: n, W: int(width)}
		path := "tile/entries/" + strings.TrimPrefix(bundleTile.Path(), "tile/8/0/")
		data, err := os.ReadFile(filepath.Join(dir, "log", filepath.FromSlash(path)))
		if err != nil {
			fail("%v", err)
		}
		var bundle [][]byte
		for len(data) > 0 {
			if len(data) < 2 {
				fail("%s: truncated length", path)
			}
			l := int(binary.BigEndian.Uint16(data))
			if len(data) < 2+l {
				fail("%s: truncated entry", path)
			}
			bundle = append(bundle, data[2:2+l])
			data = data[2+l:]
		}
		if int64(len(bundle)) != width {
			fail("%s: %d entries, want %d", path, len(bundle), width)
		}
		indexes := make([]int64, width)
		for i := range indexes {
			indexes[i] = tlog.StoredHashIndex(0, n*256+int64(i))
		}
		hashes, err := thr.ReadHashes(indexes)
		if err != nil {
			fail("%s: reading its level-0 hashes: %v", path, err)
		}
		for i, entry := range bundle {
			if tlog.RecordHash(entry) != hashes[i] {
				fail("entry %d (%s) does not hash to the tree's leaf", n*256+int64(i), path)
			}
		}
		entries = append(entries, bundle...)
	}

	// Go's own tree from the entries (tlog.StoredHashes): its root must be the checkpoint's and its tiles
	// (tlog.ReadTileData) ours, byte for byte. This does not rely on TileHashReader's authentication of
	// tiles: in x/mod 0.7.0 it checks child tiles against their parents only from position len(stx) of its
	// tile list, which skips them when several of the tree's subtree hashes share a tile (a changed full
	// level-0 tile of the 70,000-entry log passed it; the entry check above caught it).
	var stored []tlog.Hash
	memory := tlog.HashReaderFunc(func(indexes []int64) ([]tlog.Hash, error) {
		out := make([]tlog.Hash, len(indexes))
		for i, x := range indexes {
			if x < 0 || x >= int64(len(stored)) {
				return nil, fmt.Errorf("hash %d not stored", x)
			}
			out[i] = stored[x]
		}
		return out, nil
	})
	for i, entry := range entries {
		hashes, err := tlog.StoredHashes(int64(i), entry, memory)
		if err != nil {
			fail("tlog.StoredHashes(%d): %v", i, err)
		}
		stored = append(stored, hashes...)
	}
	if goRoot, err := tlog.TreeHash(tree.N, memory); err != nil || goRoot != tree.Hash {
		fail("Go's tree of the entries has root %v, not the checkpoint's %v (%v)", goRoot, tree.Hash, err)
	}
	tileCount := 0
	for level := 0; tree.N>>(uint(level)*height) > 0; level++ {
		count := tree.N >> (uint(level) * height)
		for n := int64(0); n*256 < count; n++ {
			width := count - n*256
			if width > 256 {
				width = 256
			}
			t := tlog.Tile{H: height, L: level, N: n, W: int(width)}
			want, err := tlog.ReadTileData(t, memory)
			if err != nil {
				fail("tlog.ReadTileData(%s): %v", t.Path(), err)
			}
			have, err := os.ReadFile(filepath.Join(dir, "log", filepath.FromSlash(c2spPath(t))))
			if err != nil {
				fail("%v", err)
			}
			if string(have) != string(want) {
				fail("%s is not the tile Go makes from the entries", c2spPath(t))
			}
			tileCount++
		}
	}

	// Inclusion proofs.
	proofFiles, _ := filepath.Glob(filepath.Join(dir, "proofs", "*.tlog-proof"))
	sort.Strings(proofFiles)
	for _, file := range proofFiles {
		text := readText(file)
		const header = "c2sp.org/tlog-proof@v1\n"
		if !strings.HasPrefix(text, header) {
			fail("%s: no tlog-proof header", file)
		}
		text = text[len(header):]
		if strings.HasPrefix(text, "extra ") {
			i := strings.IndexByte(text, '\n')
			if _, err := base64.StdEncoding.DecodeString(text[len("extra "):i]); err != nil {
				fail("%s: bad extra data", file)
			}
			text = text[i+1:]
		}
		i := strings.IndexByte(text, '\n')
		if !strings.HasPrefix(text, "index ") || i < 0 {
			fail("%s: no index line", file)
		}
		index, err := strconv.ParseInt(text[len("index "):i], 10, 64)
		if err != nil || index < 0 || index >= int64(len(entries)) {
			fail("%s: bad index", file)
		}
		proof, checkpoint := parseHashes(file, text[i+1:])
		proofTree := openCheckpoint(file, []byte(checkpoint), verifiers, origin)
		if err := tlog.CheckRecord(proof, proofTree.N, proofTree.Hash, index, tlog.RecordHash(entries[index])); err != nil {
			fail("%s: tlog.CheckRecord: %v", file, err)
		}
		if proofTree == tree {
			ours, err := tlog.ProveRecord(tree.N, index, thr)
			if err != nil {
				fail("%s: tlog.ProveRecord: %v", file, err)
			}
			if !sameHashes(ours, proof) {
				fail("%s: Go proves other hashes than the proof holds", file)
			}
		}
	}

	// Consistency proofs.
	consistencyDirs, _ := filepath.Glob(filepath.Join(dir, "consistency", "*"))
	sort.Strings(consistencyDirs)
	for _, cdir := range consistencyDirs {
		old := openCheckpoint(cdir+"/old-checkpoint", []byte(readText(filepath.Join(cdir, "old-checkpoint"))), verifiers, origin)
		body := readText(filepath.Join(cdir, "add-checkpoint"))
		i := strings.IndexByte(body, '\n')
		if !strings.HasPrefix(body, "old ") || i < 0 || body[len("old "):i] != strconv.FormatInt(old.N, 10) {
			fail("%s: the add-checkpoint body's old size is not the old checkpoint's", cdir)
		}
		proof, checkpoint := parseHashes(cdir, body[i+1:])
		newTree := openCheckpoint(cdir+"/add-checkpoint", []byte(checkpoint), verifiers, origin)
		if old.N == 0 {
			continue
		}
		if err := tlog.CheckTree(proof, newTree.N, newTree.Hash, old.N, old.Hash); err != nil {
			fail("%s: tlog.CheckTree from %d to %d: %v", cdir, old.N, newTree.N, err)
		}
		if newTree == tree {
			ours, err := tlog.ProveTree(tree.N, old.N, thr)
			if err != nil {
				fail("%s: tlog.ProveTree: %v", cdir, err)
			}
			if !sameHashes(ours, proof) {
				fail("%s: Go proves other hashes than the proof holds", cdir)
			}
			oldRoot, err := tlog.TreeHash(old.N, thr)
			if err != nil || oldRoot != old.Hash {
				fail("%s: the tiles do not give the old root (%v)", cdir, err)
			}
		}
	}

	// The witness's cosignature (C2SP tlog-cosignature, type 0x04), checked with Go's crypto/ed25519: x/mod
	// 0.7.0's note package knows only type 0x01.
	// Optional: a live server's log (copied by tests/log-monitor.test.mjs) has no witness yet.
	cosigned := "no witness (no witness-vkey)"
	if _, err := os.Stat(filepath.Join(dir, "witness-vkey")); err == nil {
		cosigned = "cosignature of " + checkCosignature(readText(filepath.Join(dir, "witness-vkey")), readText(filepath.Join(dir, "log", "checkpoint"))) + " verified"
	}

	var unverified int
	if n, err := note.Open([]byte(readText(filepath.Join(dir, "log", "checkpoint"))), verifiers); err == nil {
		unverified = len(n.UnverifiedSigs)
	}
	fmt.Printf("tlog-go: ok: %s size %d, %d entries, %d tiles, %d inclusion proofs, %d consistency proofs, %d signature unknown to note.Open, %s\n",
		origin, tree.N, len(entries), tileCount, len(proofFiles), len(consistencyDirs), unverified, cosigned)
}

// checkCosignature verifies the signature line of the witness whose vkey (name+id+base64(0x04||key)) is
// given: its key ID, and an Ed25519 signature over "cosignature/v1\ntime <t>\n" and the note text, after
// the 8-byte big-endian timestamp. It returns the witness's name.
func checkCosignature(vkey, msg string) string {
	parts := strings.SplitN(strings.TrimSpace(vkey), "+", 3)
	if len(parts) != 3 {
		fail("witness-vkey: malformed")
	}
	name := parts[0]
	key, err := base64.StdEncoding.DecodeString(parts[2])
	if err != nil || len(key) != 33 || key[0] != 0x04 {
		fail("witness-vkey: not a cosignature/v1 Ed25519 key")
	}
	h := sha256.Sum256(append([]byte(name+"\n"), key...))
	id := binary.BigEndian.Uint32(h[:4])
	if fmt.Sprintf("%08x", id) != parts[1] {
		fail("witness-vkey: key ID %s, computed %08x", parts[1], id)
	}
	split := strings.LastIndex(msg, "\n\n")
	if split < 0 {
		fail("checkpoint: no signatures")
	}
	text, sigs := msg[:split+1], msg[split+2:]
	for _, line := range strings.Split(strings.TrimSuffix(sigs, "\n"), "\n") {
		if !strings.HasPrefix(line, "— "+name+" ") {
			continue
		}
		sig, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(line, "— "+name+" "))
		if err != nil || len(sig) != 4+8+64 || binary.BigEndian.Uint32(sig) != id {
			continue
		}
		timestamp := binary.BigEndian.Uint64(sig[4:12])
		signed := fmt.Sprintf("cosignature/v1\ntime %d\n%s", timestamp, text)
		if !ed25519.Verify(ed25519.PublicKey(key[1:]), []byte(signed), sig[12:]) {
			fail("the cosignature of %s does not verify", name)
		}
		return name
	}
	fail("no cosignature of %s on the checkpoint", name)
	return ""
}
