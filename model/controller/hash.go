package controller

import (
	"encoding/binary"
	"encoding/json"
	"hash/fnv"
	"strconv"

	corev1 "k8s.io/api/core/v1"
	utilrand "k8s.io/apimachinery/pkg/util/rand"
)

// podTemplateHash stands in for controller.ComputeHash until package api
// provides the real one. The real hash is FNV-32a over go-spew's dump of the
// template (hashutil.DeepHashObject), then the collision count, rendered
// with rand.SafeEncodeString; the stand-in hashes the template's JSON
// instead, so it has the same form (up to ten letters of
// "bcdfghjklmnpqrstvwxz2456789") and changes exactly when the template does,
// but not the same digits as a cluster.
func podTemplateHash(t *corev1.PodTemplateSpec, collisionCount *int32) string {
	h := fnv.New32a()
	b, err := json.Marshal(t)
	if err != nil {
		panic("controller: encoding a pod template: " + err.Error())
	}
	h.Write(b)
	if collisionCount != nil {
		var cc [8]byte
		binary.LittleEndian.PutUint32(cc[:], uint32(*collisionCount))
		h.Write(cc[:])
	}
	return utilrand.SafeEncodeString(strconv.FormatUint(uint64(h.Sum32()), 10))
}
