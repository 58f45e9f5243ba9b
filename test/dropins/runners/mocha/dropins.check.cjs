// The drop-ins as a CommonJS project's mocha tests load them: require().
const { checks } = require('../checks.cjs')

const libs = {
  getPort: require('berth-ports/get-port').default,
  portfinder: require('berth-ports/portfinder'),
  detect: require('berth-ports/detect-port').detect,
  getPortPlease: require('berth-ports/get-port-please'),
}
describe('berth drop-ins under mocha', () => {
  for (const [name, check] of checks(libs)) it(name, check)
})
