"""Third-party servers for the interop tests: Kamailio 5.6 as a TLS registrar and record-routing proxy,
dnsmasq as an authoritative-enough DNS server for NAPTR/SRV/A. Both run in the foreground from a
Workdir, on 127.0.0.1 only, and are stopped by PID.
"""
import os
import socket
import subprocess
import time

import harness as h


def _wait_port(port, kind, timeout, what, log):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if kind == socket.SOCK_STREAM:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                return
            except OSError:
                pass
        else:
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            try:
                s.bind(("127.0.0.1", port))  # still free: not listening yet
            except OSError:
                return
            finally:
                s.close()
        time.sleep(0.1)
    try:
        tail = "".join(open(log, errors="replace").readlines()[-15:])
    except OSError:
        tail = "(no log)"
    raise RuntimeError(f"{what} did not start within {timeout} s on port {port}; {log} ends:\n{tail}")


class Kamailio:
    """Registrar (usrloc in memory) + proxy for the domain `example.test`, digest with qop=auth for
    REGISTER (401) and for calls from our users (407), passwords from `users` (no database). Listens on
    TLS `tls_port` and UDP/TCP `udp_port` of 127.0.0.1. `common_password`: every user name has this password
    (load runs with thousands of accounts; one config line per user would exhaust Kamailio's pkg memory).
    `shm_mb`: shared memory (-m); the default 64 MB holds about 760 TLS connections (about 52 KB each)."""

    def __init__(self, wd, pki, users, domain="example.test", common_password=None, shm_mb=None):
        self.wd = wd
        self.domain = domain
        self.tls_port = h.free_port()
        self.udp_port = h.free_port(socket.SOCK_DGRAM)
        self.ctl = wd.file("kamailio_ctl")
        self.log_path = wd.file("kamailio.log")
        rundir = wd.file("kamailio-run")
        os.makedirs(rundir, exist_ok=True)
        with open(wd.file("kamailio-tls.cfg"), "w") as f:
            # Phones are verified by their digest, not by a client certificate; when Kamailio connects out
            # to a registered phone over TLS it does not verify the phone's certificate either.
            f.write(f"""[server:default]
method = TLSv1.2+
verify_certificate = no
require_certificate = no
private_key = {pki['key']}
certificate = {pki['cert']}
ca_list = {pki['ca']}

[client:default]
method = TLSv1.2+
verify_certificate = no
require_certificate = no
""")
        # The password of the user in the credentials ($au), or nothing: unknown users are challenged like
        # known ones (no user-enumeration oracle).
        pw = "\n".join(f'    if ($au == "{u}") $var(pw) = "{p}";' for u, p in users.items())
        if common_password is not None:
            pw = f'    if ($au != "") $var(pw) = "{common_password}";'

        cfg = f"""#!KAMAILIO
debug=2
log_stderror=yes
fork=yes
children=2
tcp_children=2
auto_aliases=no
listen=udp:127.0.0.1:{self.udp_port}
listen=tcp:127.0.0.1:{self.udp_port}
listen=tls:127.0.0.1:{self.tls_port}
enable_tls=yes
# The domain is ours on its default ports only (an alias without a port would make every UA on
# 127.0.0.1 "myself", PEERS.md).
alias="{domain}:5060"
alias="{domain}:5061"
alias="{domain}:{self.tls_port}"
alias="{domain}:{self.udp_port}"
server_header="Server: registrar"
user_agent_header="User-Agent: registrar"

mpath="/usr/lib/x86_64-linux-gnu/kamailio/modules/"
loadmodule "tls.so"
loadmodule "ctl.so"
loadmodule "corex.so"
loadmodule "tm.so"
loadmodule "sl.so"
loadmodule "rr.so"
loadmodule "pv.so"
loadmodule "maxfwd.so"
loadmodule "textops.so"
loadmodule "siputils.so"
loadmodule "xlog.so"
loadmodule "sanity.so"
loadmodule "usrloc.so"
loadmodule "registrar.so"
loadmodule "auth.so"
loadmodule "nathelper.so"

modparam("tls", "config", "{wd.file('kamailio-tls.cfg')}")
modparam("ctl", "binrpc", "unix:{self.ctl}")
modparam("usrloc", "db_mode", 0)
modparam("registrar", "max_expires", 3600)
modparam("registrar", "min_expires", 10)
modparam("rr", "enable_double_rr", 1)
# Reach a phone at the address its REGISTER came from, i.e. down its own connection (linphone never
# accepts inbound TLS; PEERS.md).
modparam("nathelper", "received_avp", "$avp(RECEIVED)")
modparam("registrar", "received_avp", "$avp(RECEIVED)")
modparam("auth", "nonce_expire", 300)
modparam("auth", "qop", "auth")

request_route {{
  if (!mf_process_maxfwd_header("10")) {{ sl_send_reply("483", "Too Many Hops"); exit; }}
  if (!sanity_check("17895", "7")) {{ exit; }}
  xlog("L_INFO", "$rm $ru from $si:$sp ($pr)\\n");
  $var(pw) = "";
{pw}
  if (has_totag()) {{
    if (loose_route()) {{
      # A GRUU (RFC 5627, linphone's Contact) names a registration of ours: resolve it to the phone.
      if ($rd == "{domain}") {{ lookup("location"); }}
      t_relay();
      exit;
    }}
    if (is_method("ACK")) {{ if (t_check_trans()) {{ t_relay(); }} exit; }}
    sl_send_reply("404", "Not here");
    exit;
  }}
  if (is_method("CANCEL")) {{ if (t_check_trans()) {{ t_relay(); }} exit; }}
  t_check_trans();
  if (is_method("REGISTER")) {{
    if (!pv_www_authenticate("$td", "$var(pw)", "0")) {{ www_challenge("$td", "1"); exit; }}
    consume_credentials();
    if (proto == TLS || proto == TCP) {{ fix_nated_register(); }}
    if (!save("location")) {{ sl_reply_error(); }}
    exit;
  }}
  if ($fd == "{domain}") {{
    if (!pv_proxy_authenticate("$fd", "$var(pw)", "0")) {{ proxy_challenge("$fd", "1"); exit; }}
    consume_credentials();
  }}
  if (is_method("INVITE|SUBSCRIBE")) {{ record_route(); }}
  if ($rd == "{domain}") {{
    if (!lookup("location")) {{ sl_send_reply("404", "Not Found"); exit; }}
  }}
  if (!t_relay()) {{ sl_reply_error(); }}
}}
"""
        with open(wd.file("kamailio.cfg"), "w") as f:
            f.write(cfg)
        args = ["kamailio", "-DD", "-E", "-f", wd.file("kamailio.cfg"), "-Y", rundir, "-w", wd.path]
        if shm_mb:
            args += ["-m", str(shm_mb)]
        self.proc = wd.spawn(args, "kamailio.log")
        _wait_port(self.tls_port, socket.SOCK_STREAM, 15, "kamailio", self.log_path)
        _wait_port(self.udp_port, socket.SOCK_STREAM, 5, "kamailio", self.log_path)

    def contacts(self, user):
        """The contacts registered for `user` (empty when none), via the ctl socket."""
        r = subprocess.run(["kamcmd", "-s", f"unix:{self.ctl}", "ul.lookup", "location", user],
                           capture_output=True, text=True, timeout=10)
        out = r.stdout + r.stderr
        if "AOR not found" in out or "Not Found" in out:
            return []
        # Anything else that fails (kamailio gone, ctl socket missing) must not read as "no binding": a
        # check that the binding was removed would then pass without looking.
        if r.returncode != 0:
            raise RuntimeError(f"kamcmd ul.lookup failed (exit {r.returncode}): {out.strip()[:300]}")
        return [l.split(":", 1)[1].strip() for l in out.splitlines() if l.strip().startswith("Address:")]

    def baresip(self, wd, user, password, play_wav, answer="auto"):
        """A baresip registered as `user`@domain over TLS through this proxy."""
        account = (f"<sip:{user}@{self.domain};transport=tls>;auth_pass={password};"
                   f"outbound=\"sip:127.0.0.1:{self.tls_port};transport=tls\";regint=600;"
                   f"answermode={answer};audio_codecs=pcmu;mediaenc=srtp-mand")
        b = h.Baresip(wd, user, {"ca": wd.file("ca.pem"), "combined": wd.file("srv-combined.pem")}, play_wav,
                      account=account)
        deadline = time.time() + 10
        while time.time() < deadline:
            if self.contacts(user):
                return b
            time.sleep(0.2)
        raise RuntimeError(f"baresip {user} did not register; see {self.log_path}")

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()


class Dnsmasq:
    """dnsmasq answering only the records given, on 127.0.0.1:<port>, logging every query to log_path.
    a: {name: ipv4}; srv: [(owner, target, port, priority, weight)];
    naptr: [(owner, order, preference, flags, service, replacement)]."""

    def __init__(self, wd, a=None, srv=None, naptr=None):
        self.port = h.free_port(socket.SOCK_DGRAM)
        self.server = f"127.0.0.1:{self.port}"
        self.log_path = wd.file("dnsmasq-queries.log")
        args = ["dnsmasq", "--keep-in-foreground", "--no-daemon", f"--port={self.port}", "--listen-address=127.0.0.1",
                "--bind-interfaces", "--no-resolv", "--no-hosts", "--no-poll", "--conf-file=/dev/null",
                f"--pid-file={wd.file('dnsmasq.pid')}", "--log-queries", f"--log-facility={self.log_path}",
                "--user=root", "--group=root"]
        for name, ip in (a or {}).items():
            args.append(f"--host-record={name},{ip}")
        for owner, target, port, prio, weight in (srv or []):
            args.append(f"--srv-host={owner},{target},{port},{prio},{weight}")
        for owner, order, pref, flags, service, replacement in (naptr or []):
            args.append(f"--naptr-record={owner},{order},{pref},{flags},{service},,{replacement}")
        self.proc = wd.spawn(args, "dnsmasq.log")
        _wait_port(self.port, socket.SOCK_DGRAM, 10, "dnsmasq", wd.file("dnsmasq.log"))

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=5)
