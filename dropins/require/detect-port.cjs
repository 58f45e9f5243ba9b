'use strict'
// require('berth/detect-port') has detect-port's CommonJS shape: { default, detect, detectPort, waitPort, ... }.
// The implementation is bundled by build:lib.
module.exports = require('../../dist/cjs/detect-port.cjs')
