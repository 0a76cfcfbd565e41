// Package mailstore is the offline-history store of the mailserver: it keeps opaque, client-encrypted
// envelopes by content topic and time, answers paged history queries, and prunes by retention.
// It imports nothing else of this module.
//
// # Contract shared by all implementations
//
// Store is the interface; PebbleStore (embedded, one directory, no server) is the first implementation
// and a PostgreSQL one is meant to follow. Both execute a Plan built by NewPlan from a Query, so limits,
// validation, ordering and cursors are identical, and both must pass the conformance suite in
// mailstore/storetest.
//
//   - One order for everything: (Timestamp, Hash) ascending (Position.Compare); backward queries return
//     its reverse. Several content topics in one query are merged into that single order.
//   - A page holds exactly Limit envelopes unless it is the last; its Cursor is nil only when nothing
//     follows (the store reads Limit+1 to know). The cursor names the page's last envelope and resumes
//     strictly after it.
//   - Cursors (see CursorLen) carry a version byte and a fingerprint of the normalized query (topics,
//     pubsub topic, time range, direction, hashes, hashesOnly; not the limit). A cursor presented with
//     another query, or malformed, fails with ErrBadCursor.
//   - Hash lookups return those of the given hashes that are stored (and pass any topic and time
//     filters), in the same order and with the same paging.
//
// # Pebble key layout
//
// All integers are big-endian, so byte order is numeric order. B is Config.BucketSize, I is
// Config.IndexBucketSize (a multiple of B); bucket = timestamp / B, ibucket = timestamp / I.
//
//	'L'                                               -> layout version, B, I        (written at creation)
//	'W'                                               -> horizon bucket: all buckets below it are pruned
//	'c' bucket(8)                                     -> count(8) bytes(8) oldest(8) newest(8)
//	'h' ibucket(8) hash(32)                           -> timestamp(8) len(ct)(1) ct pubsub
//	'm' bucket(8) len(ct)(1) ct timestamp(8) hash(32) -> len(pubsub)(1) pubsub uvarint(len(meta)) meta payload
//
// Data keys ('m') lead with the time bucket, so one bucket is one contiguous key range, and within it
// each content topic's envelopes are one contiguous range sorted by (timestamp, hash). A history query
// visits the live buckets overlapping its time range in order, positions one iterator per topic on that
// topic's range in the bucket (bounded by the time range and the cursor), and merges the topics. The
// pubsub filter is applied to values, not keys: a query filtered on a rare pubsub topic reads the
// topics' other envelopes in the range too.
//
// Counters ('c') are written in the same batch as the envelopes they count. Stats and the size and count
// limits use them, so they need no scans; the committer keeps them in memory too and rewrites the
// touched buckets' absolute values in each batch.
//
// The hash index ('h') maps a hash to where its data key is. It is bucketed by the coarser I, so a
// lookup probes (with bloom-filtered Gets) at most one key per live index bucket, newest first, and
// pruning can drop whole index buckets with range deletions too. An index bucket that is only partly
// below the horizon stays until it is wholly below; its entries for pruned envelopes are recognised by
// their timestamp being below the horizon and are never returned, so nothing is resurrected.
//
// # Ingest, deduplication and durability
//
// Put validates its envelopes, looks them up (below), and queues the call for one committer goroutine.
// The committer takes every call queued at that moment (up to Config.MaxBatchEnvelopes and
// MaxBatchBytes, never splitting a call), writes them and the touched bucket counters into one pebble
// batch, and applies it with a synced write (pebble ApplyNoSyncWait with Sync). A second goroutine waits
// for each batch's WAL fsync (Batch.SyncWait), in order, and only then answers that batch's callers.
// So every acknowledged Put is on disk (fsynced write-ahead log) and survives a crash or power loss;
// concurrent callers share fsyncs (group commit), and the next batch is built while the previous one
// syncs. While the WAL is syncing, the committer gathers calls for at most 1 ms before applying a batch,
// and up to 1,024 applied batches may wait for their fsyncs. Pebble makes a batch visible to readers
// before its fsync completes, so a query may see an envelope whose Put has not returned yet; never the
// reverse. PutNotify tells its caller that moment (the node delivers to live subscribers then).
//
// The data key is a pure function of the envelope, so a duplicate would rewrite the same key, but the
// counters must not count it twice. Each Put caller therefore Gets its envelopes' data keys
// concurrently, before queuing (bloom filters, 10 bits per key on every level, make the usual miss
// cheap), after noting the number of batches applied so far. Since only the committer writes envelopes,
// an envelope not found can only have arrived in a batch applied since then; the committer remembers the
// hashes of its last 64 batches and checks those (or Gets again for a caller that waited longer), and a
// map catches duplicates within one batch. Envelopes below the pruning horizon are skipped too, so a late
// copy of a pruned envelope is not stored again.
//
// # Retention
//
// Prune (and the pruner goroutine, every Retention.Interval) computes a new horizon: past every bucket
// that ended before now-MaxAge, then past the oldest buckets while the totals exceed MaxCount or
// MaxBytes (never past the bucket holding now). It then commits one synced batch with DeleteRange over
// the data and counter keys of the dropped buckets, DeleteRange over the index buckets wholly below the
// new horizon, and the new horizon. Rows are never deleted one by one, and pebble reclaims the space
// with delete-only compactions of whole files.
package mailstore
