import type { Mapper } from './types.js';
import { checkpointMapper } from './checkpoint/index.js';
import { ciscoAsaMapper } from './cisco_asa/index.js';
import { cloudtrailMapper } from './cloudtrail/index.js';
import { fortigateMapper } from './fortigate/index.js';
import { genericMapper } from './generic/index.js';
import { linuxMapper } from './linux/index.js';
import { oktaMapper } from './okta/index.js';
import { otlpMapper } from './otlp/index.js';
import { panwMapper } from './panw/index.js';
import { squidMapper } from './squid/index.js';
import { suricataMapper } from './suricata/index.js';
import { syslogMapper } from './syslog/index.js';
import { zeekMapper } from './zeek/index.js';

/** Every non-Windows source mapper, highest detection priority first; `syslog` and `generic` are the fallbacks. */
export const mappers: readonly Mapper[] = [
  linuxMapper, oktaMapper, cloudtrailMapper, zeekMapper, suricataMapper,
  panwMapper, fortigateMapper, checkpointMapper, ciscoAsaMapper, squidMapper, otlpMapper, syslogMapper, genericMapper,
].sort((a, b) => b.priority - a.priority);
