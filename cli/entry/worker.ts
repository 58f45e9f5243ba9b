// Extra entrypoint of the compiled binary (see build:bin). tinypool starts its workers from
// `<its own URL>/../entry/worker.js`; inside the binary that is `$bunfs/root/entry/worker.js`,
// which exists only because this module, which is tinypool's worker, is embedded at that place.
import '../../node_modules/tinypool/dist/entry/worker.js'
