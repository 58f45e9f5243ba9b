// The drop-ins as a CommonJS project's mocha tests load them: require().
const { checks } = require('../checks.cjs')

const libs = {
  getPort: require('berth/get-port').default,
  portfinder: require('berth/portfinder'),
  detect: require('berth/detect-port').detect,
  getPortPlease: require('berth/get-port-please'),
}
describe('berth drop-ins under mocha', () => {
  for (const [name, check] of checks(libs)) it(name, check)
})
