package push

import (
	"github.com/ethereum/go-ethereum/common"
)

// regRecord is a stored registration. A tombstone (Deleted) keeps only the
// version, so a captured registration cannot be replayed after unregister.
type regRecord struct {
	Version   uint64
	Deleted   bool
	Gateway   string
	AppID     string
	APNsTopic string
	PushType  string
	Payer     common.Address
	Token     []byte // AES-256-GCM under the storage key: nonce(12) || ciphertext
	Topics    []string
	Updated   int64 // unix ms
	Disabled  int64 // unix ms when a dead token disabled it; 0 = enabled

	instHash *[32]byte // in memory: InstallationHash, set before the record is cached
	// In memory: the opened device token, set before the record is cached
	// ("" for a deleted record, or one that did not open), as a string, the
	// form every send needs. The cache is bounded, and the storage key that
	// opens every token is in memory anyway; on disk the token stays sealed.
	plain string
}

const regRecordV1 = 1

func (r *regRecord) encode() []byte {
	e := enc{b: make([]byte, 0, 128+len(r.Token))}
	e.u(regRecordV1)
	e.u(r.Version)
	if r.Deleted {
		e.u(1)
		return e.b
	}
	e.u(0)
	e.s(r.Gateway)
	e.s(r.AppID)
	e.s(r.APNsTopic)
	e.s(r.PushType)
	e.raw(r.Payer[:])
	e.bytes(r.Token)
	e.u(uint64(len(r.Topics)))
	for _, t := range r.Topics {
		e.s(t)
	}
	e.i(r.Updated)
	e.i(r.Disabled)
	return e.b
}

func decodeReg(b []byte) (*regRecord, error) {
	d := dec{b: b}
	r := &regRecord{}
	if d.u() != regRecordV1 {
		d.fail()
	}
	r.Version = d.u()
	if d.u() == 1 {
		r.Deleted = true
		return r, d.done("registration")
	}
	r.Gateway = d.s()
	r.AppID = d.s()
	r.APNsTopic = d.s()
	r.PushType = d.s()
	r.Payer = d.addr()
	r.Token = d.bytes()
	n := d.u()
	if n > 1000 {
		d.fail()
	}
	if d.err == nil && n > 0 {
		r.Topics = make([]string, n)
		for i := range r.Topics {
			r.Topics[i] = d.s()
		}
	}
	r.Updated = d.i()
	r.Disabled = d.i()
	return r, d.done("registration")
}

// jobKind says where a queued wakeup came from.
type jobKind uint8

const (
	kindTrigger jobKind = 1 // a stored envelope on a watched topic
	kindWake    jobKind = 2 // POST /v1/wake/{token}
	kindRelay   jobKind = 3 // POST /v1/relay from a forwarding node (this node is the last hop)
)

// job is one queued wakeup. The queue key is seq; id is the idempotency key
// sent to the push service (apns-id, FCM data "id") on every attempt.
type job struct {
	seq       uint64
	kind      jobKind
	pool      poolID
	id        string
	nonce     string
	created   int64 // unix ms
	notBefore int64 // unix ms; 0 = now
	expires   int64 // unix ms; 0 = push service default
	attempts  int

	// trigger and wake jobs: the registration
	owner common.Address
	inst  string

	// relay jobs: what the forwarding node sent
	from       common.Address // the forwarding node, payer of the receipt
	sealed     []byte         // device token sealed to this node's key
	gateway    string
	appID      string
	apnsTopic  string
	pushType   string
	collapseID string

	probe bool // in memory: this send probes a credential that was refused
	// In memory: fresh is set on a job created by this process (one loaded
	// from the queue after a restart may have been charged before the
	// crash); charged once its wakeup is booked.
	fresh, charged bool
	// In memory: rewritten is set once a retry has written j's record a
	// second time. A record written once by this process is deleted with a
	// single delete, which a flush drops together with the record.
	rewritten bool
}

const jobV1 = 1

func (j *job) encode() []byte {
	return j.appendTo(make([]byte, 0, 96+len(j.inst)+len(j.sealed)))
}

// appendTo appends the job's record to b.
func (j *job) appendTo(b []byte) []byte {
	e := enc{b: b}
	e.u(jobV1)
	e.u(uint64(j.kind))
	e.u(uint64(j.pool))
	e.s(j.id)
	e.s(j.nonce)
	e.i(j.created)
	e.i(j.notBefore)
	e.i(j.expires)
	e.u(uint64(j.attempts))
	if j.kind == kindRelay {
		e.raw(j.from[:])
		e.bytes(j.sealed)
		e.s(j.gateway)
		e.s(j.appID)
		e.s(j.apnsTopic)
		e.s(j.pushType)
		e.s(j.collapseID)
	} else {
		e.raw(j.owner[:])
		e.s(j.inst)
	}
	return e.b
}

func decodeJob(seq uint64, b []byte) (*job, error) {
	d := dec{b: b}
	j := &job{seq: seq}
	if d.u() != jobV1 {
		d.fail()
	}
	j.kind = jobKind(d.u())
	j.pool = poolID(d.u())
	j.id = d.s()
	j.nonce = d.s()
	j.created = d.i()
	j.notBefore = d.i()
	j.expires = d.i()
	j.attempts = int(d.u())
	switch j.kind {
	case kindRelay:
		j.from = d.addr()
		j.sealed = d.bytes()
		j.gateway = d.s()
		j.appID = d.s()
		j.apnsTopic = d.s()
		j.pushType = d.s()
		j.collapseID = d.s()
	case kindTrigger, kindWake:
		j.owner = d.addr()
		j.inst = d.s()
	default:
		d.fail()
	}
	if j.pool >= numPools {
		d.fail()
	}
	return j, d.done("job")
}
