/**
 * An address the caller asked for that this machine does not have. Binding it fails with
 * EADDRNOTAVAIL (or EINVAL for a link-local address without a zone), so no port there is ever
 * free: the request is wrong, not the range too small.
 */
import { PortError } from './errors.ts'

/** Why `host` cannot be bound here, in words. */
export function addressNotHere(host: string, code: string | undefined): string {
  const why = code ? ` (${code})` : ''
  if (/^fe[89ab][0-9a-f]?:/i.test(host)) {
    return `${host} is not available on this machine${why}: a link-local address needs a zone (such as ${host}%eth0), which berth does not take; use an address of this machine, or no host`
  }
  return `${host} is not an address of this machine${why}: no server can listen there; use an address of this machine, or no host`
}

export const addressNotHereError = (host: string, code: string | undefined) =>
  new PortError('E_INVALID_OPTIONS', addressNotHere(host, code))
