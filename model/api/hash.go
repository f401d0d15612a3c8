package api

import (
	"encoding/binary"
	"encoding/json"
	"hash/fnv"
	"strconv"

	corev1 "k8s.io/api/core/v1"
	utilrand "k8s.io/apimachinery/pkg/util/rand"
)

// PodTemplateHash returns the value of the pod-template-hash label the
// Deployment controller gives a template, computed as
// pkg/controller/controller_utils.go ComputeHash does: FNV-32a over a
// printing of the template, then, if collisionCount is not nil, its value
// as eight bytes (little-endian uint32 and four zero bytes), the sum
// rendered in decimal and passed through rand.SafeEncodeString (up to ten
// characters of "bcdfghjklmnpqrstvwxz2456789").
//
// The printing is the template's JSON, not go-spew's dump that
// hashutil.DeepHashObject writes, so the value has the real form and
// changes exactly when the template does, but is not a real cluster's
// digit for digit. JSON is deterministic (struct fields in order, map keys
// sorted), so the same template always gives the same hash. It is the
// same function the controller package used as a stand-in.
func PodTemplateHash(template *corev1.PodTemplateSpec, collisionCount *int32) string {
	h := fnv.New32a()
	b, err := json.Marshal(template)
	if err != nil {
		// A PodTemplateSpec always encodes; hash the error rather than
		// panic if that ever changes.
		b = []byte(err.Error())
	}
	h.Write(b)
	if collisionCount != nil {
		var cc [8]byte
		binary.LittleEndian.PutUint32(cc[:], uint32(*collisionCount))
		h.Write(cc[:])
	}
	return utilrand.SafeEncodeString(strconv.FormatUint(uint64(h.Sum32()), 10))
}
