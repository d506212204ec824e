#!/usr/bin/env bash
# scripts/stack.sh: a real Kafka (KRaft, single node) and a real Elasticsearch 8
# on loopback, fetched from Maven Central once, without Docker; on demand, a
# Confluent-compatible schema registry (Apicurio Registry) beside them.
#
#   scripts/stack.sh up [registry] | down | status | logs [kafka|es|registry] [-f] | reset
#   scripts/stack.sh start|stop registry               (the schema registry alone, port 8081)
#   scripts/stack.sh <command> --secure   (the secured stack: Kafka SASL_SSL with
#                                          SCRAM-SHA-512, ES with security and TLS;
#                                          ports 9192/9193 and 9201; docs/security.md)
#   scripts/stack.sh <command> --faults   (a plain stack of its own for the fault
#                                          tests: ports 9292/9293 and 9202)
#   scripts/stack.sh start|stop|restart kafka|es     (for fault tests)
#   scripts/stack.sh freeze|thaw kafka|es             (SIGSTOP/SIGCONT: hung, not down)
#   scripts/stack.sh kill kafka|es                     (SIGKILL: a crash, no clean shutdown)
#   scripts/stack.sh env --secure                      (SIFT_* variables for sift run)
#   scripts/stack.sh fetch                             (downloads only)
#   scripts/stack.sh tool <topics|console-producer|console-consumer|consumer-groups|CLASS> [args...]
#
# See docs/stack.md. Ports: Kafka 9092 (controller 9093), ES 9200; a second
# stack beside the first takes its own SIFT_CACHE and SIFT_STACK_KAFKA_PORT,
# SIFT_STACK_CONTROLLER_PORT and SIFT_STACK_ES_PORT (and SIFT_STACK_REGISTRY_PORT).
set -euo pipefail

# --secure anywhere on the line (or SIFT_STACK_PROFILE=secure): the secured
# stack, a second pair of services with their own ports, data and pids.
# --faults (or SIFT_STACK_PROFILE=faults): a third, plain pair that the fault
# tests stop, kill and freeze while the other tests run on the first.
SECURE="" FAULTS=""
[[ ${SIFT_STACK_PROFILE:-} == secure ]] && SECURE=1
[[ ${SIFT_STACK_PROFILE:-} == faults ]] && FAULTS=1
ARGS=()
for a in "$@"; do
  case $a in --secure) SECURE=1 ;; --faults) FAULTS=1 ;; *) ARGS+=("$a") ;; esac
done
set -- "${ARGS[@]+"${ARGS[@]}"}"
[[ -n $SECURE && -n $FAULTS ]] && { printf 'stack: ERROR: --secure and --faults are two different stacks; pick one\n' >&2; exit 2; }

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
TOOLS=$REPO/tools/stack

KAFKA_VERSION=${SIFT_KAFKA_VERSION:-3.9.2}
# Versions of the ES integ-test zip that Maven Central holds, newest first
# (the 8.19 line is sparse there: 8.19.1, 8.19.3, 8.19.5..20 do not exist).
ES_VERSIONS=${SIFT_ES_VERSION:-"8.19.21 8.19.4 8.19.2 8.19.0 8.18.0"}
ES_HEAP=${SIFT_STACK_ES_HEAP:-1g}
KAFKA_HEAP=${SIFT_STACK_KAFKA_HEAP:-512m}
TIMEOUT=${SIFT_STACK_TIMEOUT:-120}
STOP_TIMEOUT=30
ES_USER=esrun
MVN_DEP_PLUGIN=org.apache.maven.plugins:maven-dependency-plugin:3.8.1
# Apicurio Registry: the newest version whose dependencies Maven Central serves
# (tools/stack/registry/pom.xml says why); H2 storage in a file, loopback only.
REGISTRY_VERSION=2.4.2.Final
REGISTRY_PORT=${SIFT_STACK_REGISTRY_PORT:-8081}
REGISTRY_HEAP=${SIFT_STACK_REGISTRY_HEAP:-256m}

if [[ -n $SECURE ]]; then
  KAFKA_PORT=${SIFT_STACK_SECURE_KAFKA_PORT:-9192}
  CONTROLLER_PORT=${SIFT_STACK_SECURE_CONTROLLER_PORT:-9193}
  ES_PORT=${SIFT_STACK_SECURE_ES_PORT:-9201}
  PROFILE=/secure MARK_SUFFIX=-secure
elif [[ -n $FAULTS ]]; then
  KAFKA_PORT=${SIFT_STACK_FAULTS_KAFKA_PORT:-9292}
  CONTROLLER_PORT=${SIFT_STACK_FAULTS_CONTROLLER_PORT:-9293}
  ES_PORT=${SIFT_STACK_FAULTS_ES_PORT:-9202}
  PROFILE=/faults MARK_SUFFIX=-faults
else
  KAFKA_PORT=${SIFT_STACK_KAFKA_PORT:-9092}
  CONTROLLER_PORT=${SIFT_STACK_CONTROLLER_PORT:-9093}
  ES_PORT=${SIFT_STACK_ES_PORT:-9200}
  PROFILE="" MARK_SUFFIX=""
fi

say() { printf 'stack: %s\n' "$*"; }
warn() { printf 'stack: %s\n' "$*" >&2; }
die() { printf 'stack: ERROR: %s\n' "$*" >&2; exit 1; }

# ---------------------------------------------------------------- layout ----
mkdir -p "${SIFT_CACHE:-$REPO/.cache}/stack"
CACHE=$(cd "${SIFT_CACHE:-$REPO/.cache}/stack" && pwd)
DL=$CACHE/dl                    # downloads (kept by reset)
RUN=$CACHE$PROFILE/run          # pidfiles, rendered configs
KAFKA_LIB=$DL/kafka-$KAFKA_VERSION/lib
KAFKA_DATA=$CACHE$PROFILE/data/kafka
KAFKA_LOGS=$CACHE$PROFILE/logs/kafka
KAFKA_PIDFILE=$RUN/kafka.pid
KAFKA_MARK="-Dsift.stack.id=kafka$MARK_SUFFIX:$CACHE"
ES_MARK="-Dsift.stack.id=es$MARK_SUFFIX:$CACHE"
# The augmented Quarkus app (runner jar + lib/). Assembling it takes ~20 s even
# with a warm Maven repo, so it is kept per user like the Maven repo, not per
# clone (a fresh clone, e.g. CI's, reuses it), under a name that changes with
# the version and with tools/stack/registry.
REGISTRY_BUILD_ID=$REGISTRY_VERSION-$(cat "$TOOLS/registry/pom.xml" "$TOOLS"/registry/src/main/java/dev/sift/registry/*.java 2>/dev/null | md5sum | cut -c1-8)
REGISTRY_HOME=${SIFT_STACK_REGISTRY_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/sift-stack}/registry-$REGISTRY_BUILD_ID
REGISTRY_LOGS=$CACHE/logs/registry
REGISTRY_DATA=$CACHE/data/registry   # an H2 file: schemas (and their ids) survive a restart, reset wipes them
REGISTRY_PIDFILE=$CACHE/run/registry.pid  # one registry, shared by both profiles
REGISTRY_MARK="-Dsift.stack.id=registry:$CACHE"
SECRETS=$CACHE/secure/credentials  # secured stack: CA, passwords, Sift's API key (docs/security.md)
TLS_DIR=$CACHE/secure/tls          # secured stack: CA and server keys (never leave this folder)

# Elasticsearch runs as $ES_USER, which must be able to reach its files. When
# the cache sits under a folder it cannot traverse (e.g. a clone under /root),
# the ES tree moves to /var/tmp/sift-stack-<hash of the cache path>.
ES_ROOT=""
es_layout() {
  [[ -n $ES_ROOT ]] && return 0
  if [[ -s $RUN/es-root ]]; then
    ES_ROOT=$(<"$RUN/es-root")
  elif id -u "$ES_USER" >/dev/null 2>&1 && ! runuser -u "$ES_USER" -- test -x "$CACHE" 2>/dev/null; then
    ES_ROOT=/var/tmp/sift-stack-$(printf '%s' "$CACHE" | md5sum | cut -c1-10)
    warn "note: $ES_USER cannot reach $CACHE, so Elasticsearch files live in $ES_ROOT"
  else
    ES_ROOT=$CACHE # (no user yet: decided again by ensure_es_user)
  fi
  [[ $ES_ROOT == /* && $ES_ROOT != / ]] || die "bad Elasticsearch root '$ES_ROOT' (from $RUN/es-root)"
  es_paths
}
es_paths() {
  ES_DATA=$ES_ROOT$PROFILE/data/es
  ES_LOGS=$ES_ROOT$PROFILE/logs/es
  ES_RUN=$ES_ROOT$PROFILE/run/es  # ES_PATH_CONF and pidfile, owned by $ES_USER
  ES_PIDFILE=$ES_RUN/es.pid
}
es_home() { # ES home of the version recorded at download time ("" if none)
  local v
  [[ -f $ES_ROOT/dl/es.version ]] || return 0
  v=$(<"$ES_ROOT/dl/es.version")
  printf '%s' "$ES_ROOT/dl/elasticsearch-$v"
}

# ------------------------------------------------------------------ java ----
JAVA_HOME_FOR_STACK=""
find_java() {
  [[ -n $JAVA_HOME_FOR_STACK ]] && return 0
  local cand d major
  for cand in "${SIFT_STACK_JAVA_HOME:-}" /usr/lib/jvm/java-17-openjdk-amd64 /usr/lib/jvm/java-17-openjdk-* \
              /usr/lib/jvm/java-21-openjdk-* "${JAVA_HOME:-}"; do
    [[ -n $cand && -x $cand/bin/java ]] && { JAVA_HOME_FOR_STACK=$cand; break; }
  done
  if [[ -z $JAVA_HOME_FOR_STACK ]] && d=$(command -v java); then
    JAVA_HOME_FOR_STACK=$(dirname "$(dirname "$(readlink -f "$d")")")
  fi
  [[ -n $JAVA_HOME_FOR_STACK ]] || die "no Java found: install openjdk-17-jdk-headless or set SIFT_STACK_JAVA_HOME"
  major=$("$JAVA_HOME_FOR_STACK/bin/java" -XshowSettings:properties -version 2>&1 |
          sed -n 's/^ *java\.specification\.version = //p')
  [[ ${major%%.*} -ge 17 ]] 2>/dev/null || die "Java 17+ needed, $JAVA_HOME_FOR_STACK is $major"
  JAVA=$JAVA_HOME_FOR_STACK/bin/java
}

# ----------------------------------------------------------------- ports ----
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
port_holder() { # pid listening on 127.0.0.1/any :$1, or empty
  ss -Hltnp "sport = :$1" 2>/dev/null | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2 || true
}
cmdline() { tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null || true; }
pid_alive() { [[ -n ${1:-} ]] && kill -0 "$1" 2>/dev/null; }
pid_is() { # pid_is PID MARK: the pid is alive and is the process we started
  pid_alive "$1" && cmdline "$1" | grep -qF -- "$2 "
}
describe_pid() {
  local c id; c=$(cmdline "$1")
  id=$(grep -o -- '-Dsift.stack.id=[^ ]*' <<<"$c" | head -1 || true)
  if [[ -n $id ]]; then printf 'pid %s, the Sift stack %s of %s' "$1" "$(cut -d= -f2 <<<"$id" | cut -d: -f1)" "${id#*:}"
  else printf 'pid %s (%s)' "$1" "${c:0:120}"; fi
}

# Fail unless every port is free, or held by the process with the given mark.
require_ports_free() {
  local mark=$1 name=$2 p h; shift 2
  for p in "$@"; do
    port_open "$p" || continue
    h=$(port_holder "$p")
    if [[ -n $h ]] && cmdline "$h" | grep -qF -- "$mark "; then continue; fi
    local hint="Stop it and retry."
    if [[ -n $h ]]; then
      local other; other=$(cmdline "$h" | grep -o -- '-Dsift.stack.id=[a-z]*:[^ ]*' | head -1 | cut -d: -f2- || true)
      [[ -n $other ]] && hint="It is another checkout's stack: stop it with 'SIFT_CACHE=${other%/stack} $REPO/scripts/stack.sh down' (or that checkout's own scripts/stack.sh down), then retry."
      h=$(describe_pid "$h")
    else h="a process this user cannot see"; fi
    die "port $p is taken by something that is not this stack's $name: $h. $hint"
  done
}

# The recorded pid if it is ours; else, adopt the process holding the port if
# it carries our exact mark (pidfile lost); else empty.
recorded_pid() { # recorded_pid PIDFILE MARK PORT
  local pidfile=$1 mark=$2 port=$3 pid=""
  [[ -f $pidfile ]] && pid=$(<"$pidfile")
  if pid_is "$pid" "$mark"; then printf '%s' "$pid"; return 0; fi
  pid=$(port_holder "$port")
  if [[ -n $pid ]] && pid_is "$pid" "$mark"; then
    printf '%s\n' "$pid" >"$pidfile" 2>/dev/null || true
    printf '%s' "$pid"
  fi
}

# SIGTERM, wait up to STOP_TIMEOUT s, then SIGKILL. Only ever the given pid.
stop_pid() { # stop_pid PID NAME
  local pid=$1 name=$2 i
  pid_alive "$pid" || return 0
  say "stopping $name (pid $pid)…"
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < STOP_TIMEOUT * 5; i++)); do
    pid_alive "$pid" || { say "$name stopped"; return 0; }
    sleep 0.2
  done
  warn "$name (pid $pid) still alive after ${STOP_TIMEOUT}s: SIGKILL"
  kill -KILL "$pid" 2>/dev/null || true
  for ((i = 0; i < 50; i++)); do pid_alive "$pid" || return 0; sleep 0.1; done
  die "$name (pid $pid) survived SIGKILL"
}

show_log_tail() { # show_log_tail LABEL FILE...
  local label=$1 f; shift
  for f in "$@"; do
    [[ -s $f ]] || continue
    printf '\n----- last 40 lines of %s (%s) -----\n' "$label" "$f" >&2
    tail -n 40 "$f" >&2
  done
  printf -- '----- logs: %s -----\n' "$*" >&2
}

# ----------------------------------------------------------------- maven ----
MVN_REPO_ARGS=()
[[ -n ${SIFT_STACK_M2_REPO:-} ]] && MVN_REPO_ARGS=("-Dmaven.repo.local=$SIFT_STACK_M2_REPO")
mvn_run() { # mvn_run LOGFILE ARGS...
  local log=$1; shift
  command -v mvn >/dev/null || die "mvn not found (apt-get install maven); it fetches Kafka and ES from Maven Central"
  mvn -B -ntp "${MVN_REPO_ARGS[@]}" -f "$TOOLS/pom.xml" "$@" >"$log" 2>&1
}

fetch_kafka() {
  [[ -f $KAFKA_LIB/.complete ]] && return 0
  local t0=$SECONDS tmp=$DL/kafka-$KAFKA_VERSION/lib.tmp log=$DL/mvn-kafka-$KAFKA_VERSION.log
  [[ $KAFKA_VERSION == 3.* ]] || die "SIFT_KAFKA_VERSION=$KAFKA_VERSION: only 3.x is wired (4.x logs with log4j2; see docs/stack.md)"
  say "downloading kafka $KAFKA_VERSION (once)…"
  rm -rf "$tmp"; mkdir -p "$tmp"
  if ! mvn_run "$log" "$MVN_DEP_PLUGIN:copy-dependencies" -DincludeScope=runtime \
         -Dkafka.version="$KAFKA_VERSION" -DoutputDirectory="$tmp"; then
    tail -n 30 "$log" >&2; die "kafka $KAFKA_VERSION download failed (log: $log)"
  fi
  ls "$tmp"/kafka_2.13-"$KAFKA_VERSION".jar >/dev/null 2>&1 || die "kafka_2.13-$KAFKA_VERSION.jar missing after download (log: $log)"
  rm -rf "$KAFKA_LIB"; mv "$tmp" "$KAFKA_LIB"; touch "$KAFKA_LIB/.complete"
  say "kafka $KAFKA_VERSION: $(find "$KAFKA_LIB" -name "*.jar" | wc -l) jars in $KAFKA_LIB ($((SECONDS - t0))s)"
}

fetch_es() {
  es_layout
  local home; home=$(es_home)
  [[ -n $home && -f $home/.complete ]] && return 0
  local t0=$SECONDS v zipdir=$ES_ROOT/dl/zip log ok=""
  mkdir -p "$ES_ROOT/dl"
  for v in $ES_VERSIONS; do
    say "downloading elasticsearch $v integ-test-zip (once)…"
    log=$ES_ROOT/dl/mvn-es-$v.log
    rm -rf "$zipdir"; mkdir -p "$zipdir"
    if mvn_run "$log" "$MVN_DEP_PLUGIN:copy" \
         -Dartifact="org.elasticsearch.distribution.integ-test-zip:elasticsearch:$v:zip" \
         -DoutputDirectory="$zipdir" && [[ -f $zipdir/elasticsearch-$v.zip ]]; then
      ok=$v; break
    fi
    say "elasticsearch $v is not on Maven Central (log: $log); trying the next version"
  done
  [[ -n $ok ]] || die "no Elasticsearch integ-test-zip among: $ES_VERSIONS"
  command -v unzip >/dev/null || die "unzip not found (apt-get install unzip)"
  rm -rf "$ES_ROOT/dl/unzip.tmp" "$ES_ROOT/dl/elasticsearch-$ok"
  mkdir -p "$ES_ROOT/dl/unzip.tmp"
  unzip -q "$zipdir/elasticsearch-$ok.zip" -d "$ES_ROOT/dl/unzip.tmp"
  mv "$ES_ROOT/dl/unzip.tmp/elasticsearch-$ok" "$ES_ROOT/dl/elasticsearch-$ok"
  rm -rf "$ES_ROOT/dl/unzip.tmp" "$zipdir"      # the zip stays in the maven repo
  touch "$ES_ROOT/dl/elasticsearch-$ok/.complete"
  printf '%s\n' "$ok" >"$ES_ROOT/dl/es.version"
  say "elasticsearch $ok unpacked in $ES_ROOT/dl/elasticsearch-$ok ($((SECONDS - t0))s)"
}

ensure_es_user() { # create $ES_USER once, then fix where the ES tree lives
  if ! id -u "$ES_USER" >/dev/null 2>&1; then
    [[ $(id -u) -eq 0 ]] || die "user $ES_USER is missing and only root can create it"
    say "creating system user $ES_USER (Elasticsearch refuses to run as root)"
    useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin \
      --user-group "$ES_USER" 2>/dev/null || id -u "$ES_USER" >/dev/null 2>&1 ||
      die "useradd $ES_USER failed"
    ES_ROOT=""
  fi
  es_layout
  mkdir -p "$RUN"
  [[ -s $RUN/es-root ]] || printf '%s\n' "$ES_ROOT" >"$RUN/es-root"
}

fetch() { mkdir -p "$DL" "$RUN"; fetch_kafka; ensure_es_user; fetch_es; }

# ---------------------------------------------------------------- secure ----
# The secured stack's CA, certificates and passwords, made here with openssl
# once and kept until `reset --secure`. Nothing is downloaded. One server
# certificate (localhost, 127.0.0.1) serves both services; a client
# certificate lets Sift be tested with mutual TLS.
rand_secret() { head -c 18 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n'; }
sign_cert() { # sign_cert NAME SUBJECT EXTENSIONS (in $t)
  openssl req -newkey rsa:2048 -nodes -subj "$2" -keyout "$t/$1.key" -out "$t/$1.csr" >>"$t/openssl.log" 2>&1 &&
    printf '%s\n' "$3" >"$t/$1.ext" &&
    openssl x509 -req -in "$t/$1.csr" -CA "$t/ca.crt" -CAkey "$t/ca.key" -CAcreateserial -days 825 \
      -extfile "$t/$1.ext" -out "$t/$1.crt" >>"$t/openssl.log" 2>&1
}
make_secure_material() {
  [[ -n $SECURE ]] || return 0
  if [[ ! -f $TLS_DIR/.complete ]]; then
    command -v openssl >/dev/null || die "openssl not found (apt-get install openssl): it makes the secured stack's certificates"
    say "making the secured stack's CA and certificates with openssl (once) in $TLS_DIR"
    local t=$TLS_DIR.tmp
    rm -rf "$t"; mkdir -p "$t"; chmod 700 "$t"
    openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=Sift stack local CA" \
      -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
      -keyout "$t/ca.key" -out "$t/ca.crt" >>"$t/openssl.log" 2>&1 || { cat "$t/openssl.log" >&2; die "openssl: CA failed"; }
    sign_cert server "/CN=localhost" $'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth,clientAuth' ||
      { cat "$t/openssl.log" >&2; die "openssl: server certificate failed"; }
    sign_cert client "/CN=sift" 'extendedKeyUsage=clientAuth' || { cat "$t/openssl.log" >&2; die "openssl: client certificate failed"; }
    rand_secret >"$t/keystore.password"
    openssl pkcs12 -export -in "$t/server.crt" -inkey "$t/server.key" -certfile "$t/ca.crt" -name kafka \
      -passout "file:$t/keystore.password" -out "$t/kafka.p12" >>"$t/openssl.log" 2>&1 || { cat "$t/openssl.log" >&2; die "openssl: kafka keystore failed"; }
    rm -f "$t"/*.csr "$t"/*.ext "$t"/*.srl
    touch "$t/.complete"
    rm -rf "$TLS_DIR"; mv "$t" "$TLS_DIR"
  fi
  mkdir -p "$SECRETS"; chmod 700 "$SECRETS"
  local f
  for f in kafka-admin.password kafka-sift.password es-admin.password; do
    [[ -s $SECRETS/$f ]] || (umask 077; rand_secret >"$SECRETS/$f")
  done
  cp -f "$TLS_DIR/ca.crt" "$TLS_DIR/client.crt" "$SECRETS/"
  (umask 077; cp -f "$TLS_DIR/client.key" "$SECRETS/")
}
secret() { tr -d '\n' <"$SECRETS/$1"; }

# ----------------------------------------------------------------- kafka ----
kafka_pid() { recorded_pid "$KAFKA_PIDFILE" "$KAFKA_MARK" "$KAFKA_PORT"; }

kafka_tool_cmd() { # sets CMD to a JVM command line for a Kafka CLI class
  find_java
  local cls=$1; shift
  case $cls in
    topics) cls=org.apache.kafka.tools.TopicCommand ;;
    console-producer) cls=kafka.tools.ConsoleProducer ;; # 3.9: still in core (org.apache.kafka.tools.* in 4.x)
    console-consumer) cls=org.apache.kafka.tools.consumer.ConsoleConsumer ;;
    consumer-groups) cls=org.apache.kafka.tools.consumer.group.ConsumerGroupCommand ;;
    metadata-quorum) cls=org.apache.kafka.tools.MetadataQuorumCommand ;;
  esac
  # short-lived CLI JVM: small heap, C1 only, quiet log4j
  CMD=("$JAVA" -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xshare:auto
       -Dlog4j.configuration="file:$TOOLS/kafka-tools-log4j.properties"
       -cp "$KAFKA_LIB/*" "$cls" "$@")
}
kafka_tool() { local CMD; kafka_tool_cmd "$@"; exec "${CMD[@]}"; }

kafka_api_ok() { # a real admin round trip: list topics
  local CMD
  kafka_tool_cmd topics --bootstrap-server "127.0.0.1:$KAFKA_PORT" --list --command-config "$RUN/kafka-admin.properties"
  timeout 40 "${CMD[@]}" >"$RUN/kafka-ready-check.out" 2>&1
}

render() { # render TEMPLATE OUT KEY=VALUE...
  local in=$1 out=$2 kv expr=(); shift 2
  for kv in "$@"; do expr+=(-e "s|@${kv%%=*}@|${kv#*=}|g"); done
  sed "${expr[@]}" "$in" >"$out.tmp" && mv "$out.tmp" "$out"
}

launch_kafka() { # start the broker in the background unless it runs; no waiting
  local pid; pid=$(kafka_pid)
  if [[ -n $pid ]]; then say "kafka already running (pid $pid), reusing it"; return 0; fi
  rm -f "$KAFKA_PIDFILE"
  require_ports_free "$KAFKA_MARK" kafka "$KAFKA_PORT" "$CONTROLLER_PORT"
  find_java; fetch_kafka
  mkdir -p "$KAFKA_DATA" "$KAFKA_LOGS" "$RUN"
  render "$TOOLS/kafka-server.properties.in" "$RUN/kafka-server.properties" \
    KAFKA_PORT=$KAFKA_PORT CONTROLLER_PORT=$CONTROLLER_PORT DATA_DIR="$KAFKA_DATA"
  render "$TOOLS/kafka-log4j.properties.in" "$RUN/kafka-log4j.properties" LOG_DIR="$KAFKA_LOGS"
  printf 'default.api.timeout.ms=8000\nrequest.timeout.ms=4000\n' >"$RUN/kafka-admin.properties"
  local scram=()
  if [[ -n $SECURE ]]; then
    (umask 077; render "$TOOLS/kafka-server-secure.properties.in" "$RUN/kafka-secure.properties" \
      KAFKA_PORT=$KAFKA_PORT CONTROLLER_PORT=$CONTROLLER_PORT TLS_DIR="$TLS_DIR" \
      ADMIN_PASSWORD="$(secret kafka-admin.password)" KEYSTORE_PASSWORD="$(tr -d '\n' <"$TLS_DIR/keystore.password")"
     cat "$RUN/kafka-secure.properties" >>"$RUN/kafka-server.properties"
     printf 'security.protocol=SASL_SSL\nsasl.mechanism=SCRAM-SHA-512\nsasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="admin" password="%s";\nssl.truststore.type=PEM\nssl.truststore.location=%s\n' \
       "$(secret kafka-admin.password)" "$TLS_DIR/ca.crt" >>"$RUN/kafka-admin.properties")
    # SCRAM users live in the cluster metadata: written once, when the storage is formatted.
    scram=(--add-scram "SCRAM-SHA-512=[name=admin,password=$(secret kafka-admin.password)]"
           --add-scram "SCRAM-SHA-512=[name=sift,password=$(secret kafka-sift.password)]")
  fi
  if [[ ! -f $KAFKA_DATA/meta.properties ]]; then
    # A base64url id starts with '-' one time in 64: passed as --cluster-id=<id>, argparse never takes it for an option.
    local cid; cid=$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')
    say "formatting kafka storage (cluster id $cid)"
    "$JAVA" -Xmx256m -XX:TieredStopAtLevel=1 -Dlog4j.configuration="file:$TOOLS/kafka-tools-log4j.properties" \
      -cp "$KAFKA_LIB/*" kafka.tools.StorageTool format --cluster-id="$cid" \
      -c "$RUN/kafka-server.properties" --ignore-formatted "${scram[@]+"${scram[@]}"}" >"$KAFKA_LOGS/format.log" 2>&1 ||
      { show_log_tail kafka-format "$KAFKA_LOGS/format.log"; die "kafka storage format failed"; }
  fi
  say "starting kafka $KAFKA_VERSION on 127.0.0.1:$KAFKA_PORT (heap $KAFKA_HEAP)"
  {
    printf '\n===== %s start kafka %s =====\n' "$(date -u +%FT%TZ)" "$KAFKA_VERSION"
  } >>"$KAFKA_LOGS/stdout.log"
  (
    cd "$KAFKA_DATA"
    exec 9>&- # do not leak the lock to the broker
    exec setsid nohup "$JAVA" "-Xms$KAFKA_HEAP" "-Xmx$KAFKA_HEAP" -XX:+UseG1GC -XX:MaxGCPauseMillis=20 \
      -XX:InitiatingHeapOccupancyPercent=35 -XX:+ExplicitGCInvokesConcurrent -Djava.awt.headless=true \
      "$KAFKA_MARK" -Dlog4j.configuration="file:$RUN/kafka-log4j.properties" -Dkafka.logs.dir="$KAFKA_LOGS" \
      -cp "$KAFKA_LIB/*" kafka.Kafka "$RUN/kafka-server.properties" \
      >>"$KAFKA_LOGS/stdout.log" 2>&1 </dev/null
  ) &
  printf '%s\n' "$!" >"$KAFKA_PIDFILE"
  printf '%s\n' "$KAFKA_VERSION" >"$RUN/kafka.version"
  KAFKA_T0=$SECONDS
}

KAFKA_T0=$SECONDS
wait_kafka() {
  local t0=$KAFKA_T0 pid
  pid=$(<"$KAFKA_PIDFILE")
  while :; do
    if ! pid_alive "$pid"; then
      show_log_tail kafka "$KAFKA_LOGS/server.log" "$KAFKA_LOGS/stdout.log"
      rm -f "$KAFKA_PIDFILE"; die "kafka exited during startup"
    fi
    if port_open "$KAFKA_PORT" && kafka_api_ok; then
      say "kafka ready on 127.0.0.1:$KAFKA_PORT (pid $pid, $((SECONDS - t0))s)"; return 0
    fi
    if ((SECONDS - t0 >= TIMEOUT)); then
      show_log_tail kafka "$KAFKA_LOGS/server.log" "$KAFKA_LOGS/stdout.log" "$RUN/kafka-ready-check.out"
      die "kafka not ready after ${TIMEOUT}s (pid $pid still running; 'scripts/stack.sh down' stops it)"
    fi
    sleep 1
  done
}

start_kafka() { launch_kafka; wait_kafka; }
stop_kafka() {
  local pid; pid=$(kafka_pid)
  if [[ -n $pid ]]; then stop_pid "$pid" kafka; else say "kafka not running"; fi
  rm -f "$KAFKA_PIDFILE"
}

# ----------------------------------------------------------------- elastic --
es_pid() { es_layout; recorded_pid "$ES_PIDFILE" "$ES_MARK" "$ES_PORT"; }
es_curl() { # es_curl PATH [curl args...]: as the stack's superuser on the secured stack
  local path=$1; shift
  if [[ -n $SECURE ]]; then
    curl -s -m 10 --cacert "$TLS_DIR/ca.crt" -u "sift_admin:$(secret es-admin.password)" "https://127.0.0.1:$ES_PORT$path" "$@"
  else
    curl -s -m 5 "http://127.0.0.1:$ES_PORT$path" "$@"
  fi
}
es_health() { # prints green/yellow/red, or nothing
  es_curl "/_cluster/health?wait_for_status=yellow&timeout=1s" 2>/dev/null |
    grep -o '"status":"[a-z]*"' | head -1 | cut -d'"' -f4 || true
}

# The secured node's home: a hard-linked copy of the unpacked zip plus a small
# plugin (tools/stack/es-security-analysis, compiled here with javac) giving
# the three analysis components the security index needs, which the zip lacks
# (docs/stack.md). Without it no native role and no API key can be stored.
secure_es_home() { # secure_es_home BASE_HOME VERSION -> prints the home
  local base=$1 v=$2 sh=$ES_ROOT/secure/elasticsearch-$v src=$TOOLS/es-security-analysis
  if [[ ! -f $sh/.secure-complete ]]; then
    local javac=$JAVA_HOME_FOR_STACK/bin/javac jar=$JAVA_HOME_FOR_STACK/bin/jar tmp=$ES_ROOT/secure/plugin.tmp
    [[ -x $javac && -x $jar ]] || die "javac/jar not found in $JAVA_HOME_FOR_STACK (apt-get install openjdk-17-jdk-headless): the secured stack compiles a small ES plugin"
    rm -rf "$sh" "$tmp"; mkdir -p "$ES_ROOT/secure" "$tmp/classes"
    cp -al "$base" "$sh"
    "$javac" -nowarn -cp "$base/lib/*" -d "$tmp/classes" "$src"/src/org/sift/stack/*.java >"$tmp/javac.log" 2>&1 ||
      { cat "$tmp/javac.log" >&2; die "compiling tools/stack/es-security-analysis failed"; }
    mkdir -p "$sh/plugins/sift-security-analysis"
    "$jar" cf "$sh/plugins/sift-security-analysis/sift-security-analysis.jar" -C "$tmp/classes" . ||
      die "packing the es-security-analysis plugin failed"
    render "$src/plugin-descriptor.properties.in" "$sh/plugins/sift-security-analysis/plugin-descriptor.properties" ES_VERSION="$v"
    rm -rf "$tmp"
    touch "$sh/.secure-complete"
  fi
  printf '%s' "$sh"
}

# Security on, TLS files in ES_PATH_CONF, and the file-realm superuser
# sift_admin the script itself uses (Sift never does: it gets an API key).
es_secure_config() {
  local home=$1 conf=$ES_RUN/config
  sed -i '/^xpack.security.enabled: false$/d' "$conf/elasticsearch.yml"
  cat "$TOOLS/elasticsearch-secure.yml.in" >>"$conf/elasticsearch.yml"
  mkdir -p "$conf/tls"
  cp -f "$TLS_DIR/ca.crt" "$TLS_DIR/server.crt" "$TLS_DIR/server.key" "$conf/tls/"
  chown -R "$ES_USER:" "$conf"; chmod 700 "$conf/tls"
  # elasticsearch-users edits these files; it refuses to create them.
  [[ -f $conf/users ]] || install -o "$ES_USER" -m 600 /dev/null "$conf/users"
  [[ -f $conf/users_roles ]] || install -o "$ES_USER" -m 600 /dev/null "$conf/users_roles"
  if ! grep -q '^sift_admin:' "$conf/users" 2>/dev/null; then
    say "adding the elasticsearch file-realm superuser sift_admin"
    runuser -u "$ES_USER" -- env -i PATH=/usr/local/bin:/usr/bin:/bin HOME="$ES_RUN" LANG=C.UTF-8 \
      ES_JAVA_HOME="$JAVA_HOME_FOR_STACK" ES_PATH_CONF="$conf" \
      "$home/bin/elasticsearch-users" useradd sift_admin -p "$(secret es-admin.password)" -r superuser \
      >"$ES_LOGS/users.log" 2>&1 || { show_log_tail elasticsearch-users "$ES_LOGS/users.log"; die "elasticsearch-users useradd failed"; }
  fi
}

# After the node is up: the role Sift's key is limited to (docs/security.md),
# and an API key for Sift, kept while it still authenticates.
es_secure_setup() {
  [[ -n $SECURE ]] || return 0
  local role out key
  role=$(tr -d '\n' <"$TOOLS/sift-es-role.json")
  out=$(es_curl /_security/role/sift_writer -X PUT -H 'content-type: application/json' -d "$role")
  grep -q '"role"' <<<"$out" || die "could not create the role sift_writer: $out"
  if [[ -s $SECRETS/es-sift.api_key ]] &&
     [[ $(curl -s -m 10 -o /dev/null -w '%{http_code}' --cacert "$TLS_DIR/ca.crt" -H "Authorization: ApiKey $(secret es-sift.api_key)" \
          "https://127.0.0.1:$ES_PORT/_security/_authenticate") == 200 ]]; then
    return 0
  fi
  out=$(es_curl /_security/api_key -X POST -H 'content-type: application/json' -d "{\"name\":\"sift\",\"role_descriptors\":{\"sift_writer\":$role}}")
  key=$(grep -o '"encoded":"[^"]*"' <<<"$out" | cut -d'"' -f4 || true)
  [[ -n $key ]] || die "could not create Sift's API key: $out"
  (umask 077; printf '%s\n' "$key" >"$SECRETS/es-sift.api_key"; grep -o '"id":"[^"]*"' <<<"$out" | head -1 | cut -d'"' -f4 >"$SECRETS/es-sift.api_key.id")
  say "created Sift's elasticsearch API key (id $(<"$SECRETS/es-sift.api_key.id"), role sift_writer)"
}

# The SIFT_* variables that point `sift run` at the secured stack.
cmd_env() {
  [[ -n $SECURE ]] || { printf 'SIFT_KAFKA_BROKERS=127.0.0.1:%s\nSIFT_ES_URL=http://127.0.0.1:%s\n' "$KAFKA_PORT" "$ES_PORT"; return 0; }
  [[ -s $SECRETS/es-sift.api_key ]] || die "the secured stack has not been started yet: scripts/stack.sh up --secure"
  cat <<VARS
SIFT_KAFKA_BROKERS=127.0.0.1:$KAFKA_PORT
SIFT_KAFKA_SSL=true
SIFT_KAFKA_TLS_CA_FILE=$SECRETS/ca.crt
SIFT_KAFKA_SASL_MECHANISM=scram-sha-512
SIFT_KAFKA_SASL_USERNAME=sift
SIFT_KAFKA_SASL_PASSWORD_FILE=$SECRETS/kafka-sift.password
SIFT_ES_URL=https://127.0.0.1:$ES_PORT
SIFT_ES_TLS_CA_FILE=$SECRETS/ca.crt
SIFT_ES_API_KEY_FILE=$SECRETS/es-sift.api_key
VARS
}

ES_CLI_PID=""
ES_T0=$SECONDS
launch_es() {
  es_layout
  local pid; pid=$(es_pid)
  if [[ -n $pid ]]; then say "elasticsearch already running (pid $pid), reusing it"; ES_CLI_PID=""; return 0; fi
  [[ -f ${ES_PIDFILE:-/nonexistent} ]] && rm -f "$ES_PIDFILE"
  require_ports_free "$ES_MARK" elasticsearch "$ES_PORT"
  find_java; ensure_es_user; fetch_es
  local home v; home=$(es_home); v=$(<"$ES_ROOT/dl/es.version")
  [[ -n $SECURE ]] && home=$(secure_es_home "$home" "$v")
  mkdir -p "$ES_DATA" "$ES_LOGS" "$ES_RUN/config"
  # ES_PATH_CONF: the distribution's config files plus our elasticsearch.yml.
  cp -f "$home"/config/jvm.options "$home"/config/log4j2.properties "$ES_RUN/config/"
  [[ -d $home/config/jvm.options.d ]] && mkdir -p "$ES_RUN/config/jvm.options.d"
  render "$TOOLS/elasticsearch.yml.in" "$ES_RUN/config/elasticsearch.yml" \
    ES_PORT=$ES_PORT DATA_DIR="$ES_DATA" LOG_DIR="$ES_LOGS"
  if [[ -n $SECURE ]]; then es_secure_config "$home"; fi
  # gc log and crash files go to our log folder, not the ES home
  sed -i -e "s|file=logs/gc.log|file=$ES_LOGS/gc.log|" -e "s|ErrorFile=logs/|ErrorFile=$ES_LOGS/|" \
    -e "s|HeapDumpPath=data|HeapDumpPath=$ES_DATA|" "$ES_RUN/config/jvm.options"
  chown -R "$ES_USER:" "$home" "$ES_DATA" "$ES_LOGS" "$ES_RUN"
  say "starting elasticsearch $v on 127.0.0.1:$ES_PORT as $ES_USER (heap $ES_HEAP, java $JAVA_HOME_FOR_STACK)"
  printf '\n===== %s start elasticsearch %s =====\n' "$(date -u +%FT%TZ)" "$v" >>"$ES_LOGS/startup.log"
  chown "$ES_USER:" "$ES_LOGS/startup.log"
  (
    cd "$home"
    exec 9>&- # do not leak the lock to the server
    exec setsid runuser -u "$ES_USER" -- env -i PATH=/usr/local/bin:/usr/bin:/bin HOME="$ES_RUN" LANG=C.UTF-8 \
      ES_JAVA_HOME="$JAVA_HOME_FOR_STACK" ES_PATH_CONF="$ES_RUN/config" \
      ES_JAVA_OPTS="-Xms$ES_HEAP -Xmx$ES_HEAP $ES_MARK" \
      "$home/bin/elasticsearch" -d -p "$ES_PIDFILE" \
      >>"$ES_LOGS/startup.log" 2>&1 </dev/null
  ) &
  ES_CLI_PID=$!
  ES_T0=$SECONDS
  printf '%s\n' "$v" >"$RUN/es.version"
}

wait_es() {
  es_layout
  local t0=$ES_T0 pid="" h rc logs=("$ES_LOGS/sift-stack.log" "$ES_LOGS/startup.log")
  while :; do
    [[ -f $ES_PIDFILE ]] && pid=$(<"$ES_PIDFILE")
    h=$(es_health)
    if [[ $h == green || $h == yellow ]]; then
      say "elasticsearch ready on 127.0.0.1:$ES_PORT (pid ${pid:-?}, health $h, $((SECONDS - t0))s)"; return 0
    fi
    if [[ -n $ES_CLI_PID ]] && ! pid_alive "$ES_CLI_PID"; then # the -d launcher has returned
      rc=0; wait "$ES_CLI_PID" || rc=$?
      ES_CLI_PID=""
      if ((rc != 0)); then show_log_tail elasticsearch "${logs[@]}"; die "elasticsearch failed to start (exit $rc)"; fi
    fi
    if [[ -z $ES_CLI_PID && -n $pid ]] && ! pid_alive "$pid"; then
      show_log_tail elasticsearch "${logs[@]}"; die "elasticsearch exited during startup"
    fi
    if ((SECONDS - t0 >= TIMEOUT)); then
      show_log_tail elasticsearch "${logs[@]}"
      die "elasticsearch not ready after ${TIMEOUT}s${pid:+ (pid $pid still running; 'scripts/stack.sh down' stops it)}"
    fi
    sleep 1
  done
}

start_es() { launch_es; wait_es; }
stop_es() {
  es_layout
  local pid; pid=$(es_pid)
  if [[ -n $pid ]]; then stop_pid "$pid" elasticsearch; else say "elasticsearch not running"; fi
  rm -f "$ES_PIDFILE"
}

# -------------------------------------------------------------- registry ---
# Apicurio Registry with its Confluent-compatible API (/apis/ccompat/v7), for
# Avro topics (docs/avro.md). Not part of a plain `up`: `up registry` or
# `start registry` runs it (docs/stack.md: what it costs).
registry_pid() { recorded_pid "$REGISTRY_PIDFILE" "$REGISTRY_MARK" "$REGISTRY_PORT"; }
registry_url() { printf 'http://127.0.0.1:%s/apis/ccompat/v7' "$REGISTRY_PORT"; }

fetch_registry() {
  [[ -f $REGISTRY_HOME/.complete ]] && return 0
  local t0=$SECONDS tmp=$REGISTRY_HOME.tmp.$$ log=$DL/mvn-registry-$REGISTRY_VERSION.log app
  command -v mvn >/dev/null || die "mvn not found (apt-get install maven); it fetches the registry from Maven Central"
  say "downloading and assembling apicurio registry $REGISTRY_VERSION (once)…"
  rm -rf "$tmp"; mkdir -p "$DL" "$(dirname "$REGISTRY_HOME")"; cp -r "$TOOLS/registry" "$tmp"
  # The app's own settings, plus the line that makes Quarkus find its beans in
  # a dependency jar (the app is not this project's own code).
  if ! mvn -B -ntp "${MVN_REPO_ARGS[@]}" -f "$tmp/pom.xml" "$MVN_DEP_PLUGIN:copy" \
        -Dartifact="io.apicurio:apicurio-registry-app:$REGISTRY_VERSION" -DoutputDirectory="$tmp/app" >"$log" 2>&1; then
    tail -n 30 "$log" >&2; die "apicurio registry $REGISTRY_VERSION download failed (log: $log)"
  fi
  app=$tmp/app/apicurio-registry-app-$REGISTRY_VERSION.jar
  mkdir -p "$tmp/src/main/resources"
  { unzip -p "$app" application.properties
    printf '\n# Sift: the app is a dependency here, so its jar must be indexed for its beans\n'
    printf 'quarkus.index-dependency.registry.group-id=io.apicurio\nquarkus.index-dependency.registry.artifact-id=apicurio-registry-app\n'
  } >"$tmp/src/main/resources/application.properties"
  if ! mvn -B -ntp "${MVN_REPO_ARGS[@]}" -f "$tmp/pom.xml" package >>"$log" 2>&1; then
    tail -n 30 "$log" >&2; die "assembling apicurio registry $REGISTRY_VERSION failed (log: $log)"
  fi
  [[ -f $tmp/target/sift-registry-0-runner.jar ]] || die "registry runner jar missing after the build (log: $log)"
  mkdir -p "$tmp/home"
  mv "$tmp/target/sift-registry-0-runner.jar" "$tmp/target/lib" "$tmp/home/"
  touch "$tmp/home/.complete"
  # Another clone may have finished the same build meanwhile (and may run it): keep theirs.
  [[ -f $REGISTRY_HOME/.complete ]] || { rm -rf "$REGISTRY_HOME"; mv "$tmp/home" "$REGISTRY_HOME"; }
  rm -rf "$tmp"
  say "apicurio registry $REGISTRY_VERSION in $REGISTRY_HOME ($(du -sh "$REGISTRY_HOME" | cut -f1), $((SECONDS - t0))s)"
}

REGISTRY_T0=$SECONDS
launch_registry() {
  local pid; pid=$(registry_pid)
  if [[ -n $pid ]]; then say "registry already running (pid $pid), reusing it"; return 0; fi
  rm -f "$REGISTRY_PIDFILE"
  require_ports_free "$REGISTRY_MARK" registry "$REGISTRY_PORT"
  find_java; fetch_registry
  mkdir -p "$REGISTRY_LOGS" "$REGISTRY_DATA" "$(dirname "$REGISTRY_PIDFILE")"
  say "starting apicurio registry $REGISTRY_VERSION on 127.0.0.1:$REGISTRY_PORT (heap $REGISTRY_HEAP, storage $REGISTRY_DATA)"
  printf '\n===== %s start registry %s =====\n' "$(date -u +%FT%TZ)" "$REGISTRY_VERSION" >>"$REGISTRY_LOGS/stdout.log"
  (
    cd "$REGISTRY_HOME"
    exec 9>&- # do not leak the lock to the server
    exec setsid nohup "$JAVA" "-Xms64m" "-Xmx$REGISTRY_HEAP" -XX:+UseSerialGC -XX:TieredStopAtLevel=1 \
      "$REGISTRY_MARK" -Dquarkus.http.host=127.0.0.1 -Dquarkus.http.port="$REGISTRY_PORT" \
      -Dquarkus.datasource.jdbc.url="jdbc:h2:file:$REGISTRY_DATA/registry;DB_CLOSE_ON_EXIT=FALSE" \
      -jar "$REGISTRY_HOME/sift-registry-0-runner.jar" >>"$REGISTRY_LOGS/stdout.log" 2>&1 </dev/null
  ) &
  printf '%s\n' "$!" >"$REGISTRY_PIDFILE"
  REGISTRY_T0=$SECONDS
}

wait_registry() {
  local t0=$REGISTRY_T0 pid; pid=$(<"$REGISTRY_PIDFILE")
  while :; do
    if ! pid_alive "$pid"; then
      show_log_tail registry "$REGISTRY_LOGS/stdout.log"; rm -f "$REGISTRY_PIDFILE"; die "registry exited during startup"
    fi
    # Ready when the Confluent-compatible API answers, not merely the port.
    if curl -sf -m 2 -o /dev/null "$(registry_url)/subjects"; then
      say "registry ready on $(registry_url) (pid $pid, $((SECONDS - t0))s)"; return 0
    fi
    if ((SECONDS - t0 >= TIMEOUT)); then
      show_log_tail registry "$REGISTRY_LOGS/stdout.log"
      die "registry not ready after ${TIMEOUT}s (pid $pid still running; 'scripts/stack.sh stop registry' stops it)"
    fi
    sleep 0.5
  done
}

start_registry() { launch_registry; wait_registry; }
stop_registry() {
  local pid; pid=$(registry_pid)
  if [[ -n $pid ]]; then stop_pid "$pid" registry; else say "registry not running"; fi
  rm -f "$REGISTRY_PIDFILE"
}

# ------------------------------------------------------------ freeze/thaw --
# A frozen service keeps its sockets open (the kernel still accepts
# connections) but answers nothing: a hung node, unlike a stopped one.
svc_pid() { case $1 in kafka) kafka_pid ;; es) es_pid ;; registry) registry_pid ;; esac; }
is_frozen() { [[ $(awk '{print $3}' "/proc/$1/stat" 2>/dev/null) == T ]]; }
freeze_svc() {
  local pid; pid=$(svc_pid "$1")
  [[ -n $pid ]] || die "$1 is not running"
  kill -STOP "$pid"
  say "$1 frozen (pid $pid, SIGSTOP); 'scripts/stack.sh thaw $1' resumes it"
}
thaw_svc() {
  local pid; pid=$(svc_pid "$1")
  [[ -n $pid ]] || die "$1 is not running"
  kill -CONT "$pid"
  say "$1 thawed (pid $pid, SIGCONT)"
}
# A crashed node: SIGKILL, so no controlled shutdown and no flush; the next
# start recovers its logs (Kafka) or translog (ES) as after a power loss.
kill_svc() {
  local pid i
  [[ $1 == es ]] && es_layout # ES_PIDFILE below: svc_pid runs es_layout in a subshell
  pid=$(svc_pid "$1")
  [[ -n $pid ]] || die "$1 is not running"
  kill -KILL "$pid"
  for ((i = 0; i < 100; i++)); do pid_alive "$pid" || break; sleep 0.1; done
  pid_alive "$pid" && die "$1 (pid $pid) survived SIGKILL"
  case $1 in kafka) rm -f "$KAFKA_PIDFILE" ;; es) rm -f "$ES_PIDFILE" ;; registry) rm -f "$REGISTRY_PIDFILE" ;; esac
  say "$1 killed (pid $pid, SIGKILL); 'scripts/stack.sh start $1' starts it again"
}

# up/status must not wait on a service a fault test left frozen.
thaw_if_frozen() {
  local svc pid
  for svc in kafka es; do
    pid=$(svc_pid "$svc")
    if [[ -n $pid ]] && is_frozen "$pid"; then warn "$svc (pid $pid) was frozen: thawing it"; kill -CONT "$pid"; fi
  done
}

# --------------------------------------------------------------- commands ---
status_line() { # status_line NAME PID VERSION PORTDESC EXTRA
  if [[ -n $2 ]]; then
    printf '%-14s running  pid=%-7s version=%-8s port=%s%s\n' "$1" "$2" "$3" "$4" "$5"
  else
    printf '%-14s stopped  pid=%-7s version=%-8s port=%s%s\n' "$1" - "$3" "$4" "$5"
  fi
}

cmd_status() {
  es_layout
  local kp ep kv ev extra rc=0 h=""
  kp=$(kafka_pid); ep=$(es_pid)
  kv=$(cat "$RUN/kafka.version" 2>/dev/null || echo "$KAFKA_VERSION")
  ev=$(cat "$RUN/es.version" 2>/dev/null || cat "$ES_ROOT/dl/es.version" 2>/dev/null || echo '?')
  # kafka: our pid alive and the port answering
  extra=""
  if [[ -n $kp ]] && is_frozen "$kp"; then
    rc=3; status_line kafka "$kp" "$kv" "$KAFKA_PORT (controller $CONTROLLER_PORT)" "  FROZEN (scripts/stack.sh thaw kafka)"
  elif [[ -n $kp ]] && port_open "$KAFKA_PORT"; then
    status_line kafka "$kp" "$kv" "$KAFKA_PORT (controller $CONTROLLER_PORT)" ""
  else
    rc=3
    if [[ -n $kp ]]; then extra="  (pid $kp is up, port not answering yet)"
    elif port_open "$KAFKA_PORT"; then extra="  (port held by $(describe_pid "$(port_holder "$KAFKA_PORT")"): not ours)"; fi
    status_line kafka "" "$kv" "$KAFKA_PORT (controller $CONTROLLER_PORT)" "$extra"
  fi
  # elasticsearch: our pid alive and cluster health yellow/green
  extra=""
  [[ -n $ep ]] && ! is_frozen "$ep" && h=$(es_health)
  if [[ -n $ep ]] && is_frozen "$ep"; then
    rc=3; status_line elasticsearch "$ep" "$ev" "$ES_PORT" "  FROZEN (scripts/stack.sh thaw es)"
  elif [[ -n $ep && ( $h == green || $h == yellow ) ]]; then
    status_line elasticsearch "$ep" "$ev" "$ES_PORT" "  health=$h"
  else
    rc=3
    if [[ -n $ep ]]; then extra="  (pid $ep is up, not healthy yet${h:+: $h})"
    elif port_open "$ES_PORT"; then extra="  (port held by $(describe_pid "$(port_holder "$ES_PORT")"): not ours)"; fi
    status_line elasticsearch "" "$ev" "$ES_PORT" "$extra"
  fi
  # registry: on demand, so a stopped one does not make the stack unhealthy
  local rp; rp=$(registry_pid)
  if [[ -n $rp ]] && curl -sf -m 2 -o /dev/null "$(registry_url)/subjects"; then
    status_line registry "$rp" "${REGISTRY_VERSION%.Final}" "$REGISTRY_PORT" "  $(registry_url)"
  elif [[ -n $rp ]]; then
    status_line registry "$rp" "${REGISTRY_VERSION%.Final}" "$REGISTRY_PORT" "  (pid $rp is up, API not answering yet)"
  else
    status_line registry "" "${REGISTRY_VERSION%.Final}" "$REGISTRY_PORT" "  (on demand: scripts/stack.sh start registry)"
  fi
  return $rc
}

cmd_up() {
  local t0=$SECONDS with_registry=""
  case ${1:-} in registry) with_registry=1 ;; "") ;; *) die "up: unknown argument $1 (only 'registry')" ;; esac
  es_layout
  # fail fast, before starting either service, if a port is held by a stranger
  [[ -n $(kafka_pid) ]] || require_ports_free "$KAFKA_MARK" kafka "$KAFKA_PORT" "$CONTROLLER_PORT"
  [[ -n $(es_pid) ]] || require_ports_free "$ES_MARK" elasticsearch "$ES_PORT"
  [[ -z $with_registry || -n $(registry_pid) ]] || require_ports_free "$REGISTRY_MARK" registry "$REGISTRY_PORT"
  thaw_if_frozen
  fetch
  [[ -n $with_registry ]] && fetch_registry
  make_secure_material
  launch_kafka
  launch_es
  [[ -n $with_registry ]] && launch_registry
  wait_kafka
  wait_es
  [[ -n $with_registry ]] && wait_registry
  if [[ -n $SECURE ]]; then
    es_secure_setup
    say "secured stack up in $((SECONDS - t0))s: kafka SASL_SSL 127.0.0.1:$KAFKA_PORT (SCRAM-SHA-512 user sift), elasticsearch https://127.0.0.1:$ES_PORT (API key, role sift_writer)"
    say "credentials in $SECRETS; 'scripts/stack.sh env --secure' prints the SIFT_* variables for sift run"
  else
    say "up in $((SECONDS - t0))s: kafka 127.0.0.1:$KAFKA_PORT, elasticsearch http://127.0.0.1:$ES_PORT${with_registry:+, schema registry $(registry_url)} (logs: scripts/stack.sh logs)"
  fi
}

cmd_down() { stop_kafka; stop_es; [[ -n $SECURE ]] || stop_registry; }

cmd_reset() {
  cmd_down
  es_layout
  say "wiping data and logs (downloads kept)"
  rm -rf "$CACHE$PROFILE/data" "$CACHE$PROFILE/logs" "$ES_ROOT$PROFILE/data" "$ES_ROOT$PROFILE/logs"
  # the secured stack's users and API key live in its data: its credentials go with it
  [[ -n $SECURE ]] && rm -rf "$SECRETS" "$ES_RUN/config/users" "$ES_RUN/config/users_roles"
}

cmd_logs() {
  es_layout
  local which=all follow="" n=40 a files=()
  for a in "$@"; do
    case $a in
      kafka|es|elasticsearch|registry) which=$a ;;
      -f|--follow) follow=1 ;;
      -n*) n=${a#-n} ;;
      *) die "logs: unknown argument $a" ;;
    esac
  done
  [[ $which == all || $which == kafka ]] && files+=("$KAFKA_LOGS/server.log" "$KAFKA_LOGS/stdout.log")
  [[ $which == all || $which == es || $which == elasticsearch ]] && files+=("$ES_LOGS/sift-stack.log" "$ES_LOGS/startup.log")
  [[ $which == all || $which == registry ]] && files+=("$REGISTRY_LOGS/stdout.log")
  say "log files:"; printf '  %s\n' "${files[@]}"
  local existing=() f
  for f in "${files[@]}"; do [[ -f $f ]] && existing+=("$f"); done
  ((${#existing[@]})) || { say "no logs yet"; return 0; }
  if [[ -n $follow ]]; then exec tail -n "$n" -F "${existing[@]}"; fi
  tail -n "$n" "${existing[@]}"
}

svc_arg() {
  case ${1:-} in
    kafka) echo kafka ;;
    es|elasticsearch) echo es ;;
    registry) echo registry ;;
    *) die "expected 'kafka', 'es' or 'registry'" ;;
  esac
}

usage() { sed -n '2,20p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }

lock() { # serialize concurrent up/down/start/stop from this checkout
  mkdir -p "$RUN"
  exec 9>"$RUN/.lock"
  flock -w 300 9 || die "another scripts/stack.sh holds $RUN/.lock"
}

main() {
  local cmd=${1:-}; shift || true
  case $cmd in
    up) lock; cmd_up "$@" ;;
    down) lock; cmd_down ;;
    status) cmd_status ;;
    env) cmd_env ;;
    logs) cmd_logs "$@" ;;
    reset) lock; cmd_reset ;;
    fetch) lock; fetch; [[ ${1:-} == registry ]] && fetch_registry; true ;;
    # svc=$(…) first: a die inside `case $(…)` would not stop the script (exit 0 on a typo).
    start) lock; svc=$(svc_arg "${1:-}"); make_secure_material; case $svc in kafka) fetch_kafka; start_kafka ;; es) start_es ;; registry) start_registry ;; esac ;;
    stop) lock; svc=$(svc_arg "${1:-}"); case $svc in kafka) stop_kafka ;; es) stop_es ;; registry) stop_registry ;; esac ;;
    freeze) lock; freeze_svc "$(svc_arg "${1:-}")" ;;
    thaw) lock; thaw_svc "$(svc_arg "${1:-}")" ;;
    kill) lock; kill_svc "$(svc_arg "${1:-}")" ;;
    restart) lock; svc=$(svc_arg "${1:-}"); case $svc in kafka) stop_kafka; start_kafka ;; es) stop_es; start_es ;; registry) stop_registry; start_registry ;; esac ;;
    tool) [[ $# -ge 1 ]] || die "tool: name a tool"; [[ -f $KAFKA_LIB/.complete ]] || die "kafka not downloaded yet: scripts/stack.sh fetch"; kafka_tool "$@" ;;
    -h|--help|help) usage ;;
    *) usage >&2; exit 2 ;;
  esac
}

main "$@"
