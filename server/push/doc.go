// Package push is the node's push relay: sealed registrations, wakeup
// tokens, the durable wakeup queue, the worker pools that send content-free
// wakeups through gateways (APNs, FCM) or to a last-hop node, and the
// per-payer receipt chains. Everything lives in one pebble store (the node
// puts it in DATA_DIR/push, apart from the mailstore).
//
// # Flow
//
//	Register:  ECIES-sealed JSON -> decrypt with the node key -> validate ->
//	           version check under the owner's stripe lock -> one synced batch
//	           (registration with the device token AES-GCM-encrypted under the
//	           storage key, topic index entries)
//	Triggers:  Wake (a wakeup token) or EnvelopeStored (a watched topic, owner
//	           offline, coalesced) -> job -> enqueue: one synced batch, then
//	           the job's pool channel (or the scheduler, when it is not due)
//	Relay:     a signed request from a forwarding node -> enqueue, same queue
//	Workers:   a fixed pool per gateway (apns, fcm, relay) -> resolve the
//	           registration and token -> admit (app paused for quota or down
//	           for its credential?) -> send -> classify (gateways.ClassOf):
//	             delivered / relayed  -> ack with receipt
//	             retryable            -> backoff + jitter (Retry-After) via the scheduler, bounded attempts and age
//	             quota                -> pause the whole app until Retry-After
//	             dead token           -> ack with receipt, disable the registration
//	             credential refused   -> park the app's jobs, probe every AuthRetry
//	             malformed            -> ack with a failed receipt
//	Acks:      the acknowledger groups finished jobs: one batch deletes them,
//	           disables dead registrations and appends receipts whose Merkle
//	           root is signed once; written at once, finished after its fsync
//
// A wakeup is acknowledged only after it was sent, so a crash between send
// and acknowledgement sends it again with the same idempotency id:
// delivery is at least once. Open reloads the queue.
//
// # Goroutines
//
// Start starts Workers goroutines per pool, the scheduler and the
// acknowledger (which starts its finisher); Close stops them after draining
// for up to DrainTimeout and closes the store. Nothing else starts
// goroutines.
//
// # Lock order
//
// An owner stripe (stripes[i]), then headMu; appState.mu, then
// scheduler.mu. closeMu is taken alone (enqueue holds its read side while
// it commits; Close its write side). The read caches' mutexes are leaves.
// The acknowledger may hold several stripes at once, in the order it meets
// dead tokens in a group; nothing else holds more than one, and no holder
// of a stripe waits for anything the acknowledger holds.
package push
