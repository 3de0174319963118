/** The gateways' log target (GatewayOptions.errorLog) as a function. */
import type { GatewayOptions } from './options';

export function logWriter(target: GatewayOptions['errorLog']): (text: string) => void {
  if (typeof target === 'function') return target;
  const stream = target ?? process.stderr;
  return (text) => {
    stream.write(text);
  };
}
