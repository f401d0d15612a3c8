package ynode

import "strings"

// Distance returns the optimal-string-alignment distance between a and b:
// the number of insertions, deletions, substitutions and transpositions of
// adjacent bytes that turn one into the other.
func Distance(a, b string) int {
	if len(a) > 64 || len(b) > 64 { // keys are short; bound the work
		if a == b {
			return 0
		}
		return max(len(a), len(b))
	}
	// Three rows of the dynamic-programming table.
	var buf [3][65]int
	prev2, prev, cur := buf[0][:len(b)+1], buf[1][:len(b)+1], buf[2][:len(b)+1]
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			v := min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				v = min(v, prev2[j-2]+1)
			}
			cur[j] = v
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(b)]
}

// Suggest returns the known word that word was most likely meant to be: the
// closest one, ignoring case, at a distance of at most 2, or failing that
// one that starts with word or that word starts with (at least 3 bytes in
// common). Ties go to the earlier word in known.
func Suggest(word string, known []string) (string, bool) {
	lw := strings.ToLower(word)
	best, bestD := "", 3
	for _, k := range known {
		if d := Distance(lw, strings.ToLower(k)); d < bestD {
			best, bestD = k, d
		}
	}
	if bestD <= 2 && best != word {
		return best, true
	}
	if len(lw) >= 3 {
		for _, k := range known {
			lk := strings.ToLower(k)
			if len(lk) >= 3 && (strings.HasPrefix(lk, lw) || strings.HasPrefix(lw, lk)) {
				return k, true
			}
		}
	}
	return "", false
}
