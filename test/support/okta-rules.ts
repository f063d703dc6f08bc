/** A Sigma rule (status test, level medium) matching Okta System Log events of one `eventType`. */
export function oktaEventRule(id: string, eventType: string, title = `Okta ${eventType}`): string {
  return `title: ${title}
id: ${id}
status: test
level: medium
logsource:
  product: okta
detection:
  selection:
    okta.event_type: ${eventType}
  condition: selection
`;
}

/** A Sigma event_count correlation: three or more matches of `ref` from one `source.ip` within 10 minutes (level high). */
export function oktaThreeFromOneAddress(id: string, ref: string, title: string): string {
  return `title: ${title}
id: ${id}
correlation:
  type: event_count
  rules:
    - ${ref}
  group-by:
    - source.ip
  timespan: 10m
  condition:
    gte: 3
level: high
`;
}
