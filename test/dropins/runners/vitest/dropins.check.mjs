// The drop-ins as an ESM project's vitest tests load them: import, through vitest's module graph.
import { test } from 'vitest'
import getPort from 'berth/get-port'
import portfinder from 'berth/portfinder'
import { detect } from 'berth/detect-port'
import * as getPortPlease from 'berth/get-port-please'
import checksModule from '../checks.cjs'

for (const [name, check] of checksModule.checks({ getPort, portfinder, detect, getPortPlease })) test(name, check)
