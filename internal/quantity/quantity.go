// Package quantity parses Kubernetes resource quantities ("128Mi", "500m",
// "1e3") safely.
//
// resource.ParseQuantity narrows a decimal exponent to 32 bits without
// checking it, so "44E4444444444444444" is read with an unrelated exponent,
// and an exponent near the 32-bit limit makes it build a power of ten with
// billions of digits: it does not return (kubernetes/kubernetes#131063,
// #139412, both closed unmerged; #141306 is open). No resource needs an
// exponent of five digits, so Parse rejects those before parsing.
package quantity

import (
	"fmt"

	"k8s.io/apimachinery/pkg/api/resource"
)

// MaxExponentDigits is the longest decimal exponent Parse accepts: up to
// ±9999, far beyond any quantity that fits in an int64 (about 9.2e18).
const MaxExponentDigits = 4

// Parse is resource.ParseQuantity, except that a decimal exponent of more
// than MaxExponentDigits digits is an error.
func Parse(s string) (resource.Quantity, error) {
	if err := CheckExponent(s); err != nil {
		return resource.Quantity{}, err
	}
	return resource.ParseQuantity(s)
}

// CheckExponent reports an error if s, read as a quantity, has a decimal
// exponent (e or E followed by digits) of more than MaxExponentDigits
// digits. It does not otherwise check that s is a quantity.
func CheckExponent(s string) error {
	i := 0
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		i++
	}
	for i < len(s) && (s[i] >= '0' && s[i] <= '9' || s[i] == '.') {
		i++
	}
	if i == len(s) || (s[i] != 'e' && s[i] != 'E') {
		return nil
	}
	j := i + 1
	if j < len(s) && (s[j] == '+' || s[j] == '-') {
		j++
	}
	k := j
	for k < len(s) && s[k] >= '0' && s[k] <= '9' {
		k++
	}
	if k == j || k != len(s) {
		return nil // not an exponent ("2E" is exa, "2Ei" exbi): ParseQuantity decides
	}
	// Leading zeros do not make an exponent larger.
	for j < k-1 && s[j] == '0' {
		j++
	}
	if k-j > MaxExponentDigits {
		return fmt.Errorf("quantity %q: the exponent %s has more than %d digits", s, s[i+1:], MaxExponentDigits)
	}
	return nil
}
