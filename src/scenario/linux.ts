/** Linux auth log lines (RFC 3164, as rsyslog writes /var/log/auth.log): sshd, sudo, PAM sessions, cron. */
import { bsdTime } from './time.js';

export function syslogLine(at: number, host: string, program: string, pid: number | undefined, message: string): string {
  return `${bsdTime(at)} ${host} ${program}${pid === undefined ? '' : `[${pid}]`}: ${message}`;
}

export function sudoMessage(user: string, pwd: string, command: string): string {
  return `${user.padStart(8, ' ')} : TTY=pts/${pwd.length % 4} ; PWD=${pwd} ; USER=root ; COMMAND=${command}`;
}
