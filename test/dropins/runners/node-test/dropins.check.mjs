// The drop-ins as an ESM project's node:test tests load them: import.
import { test } from 'node:test'
import getPort from 'berth/get-port'
import portfinder from 'berth/portfinder'
import { detect } from 'berth/detect-port'
import * as getPortPlease from 'berth/get-port-please'
import checksModule from '../checks.cjs'

for (const [name, check] of checksModule.checks({ getPort, portfinder, detect, getPortPlease })) test(name, check)
