#!/usr/bin/env bash
# Argus local infrastructure without Docker.
#
#   bash infra/local/infra.sh up     [kafka|s3|postgres ...]   install on first use, start, wait until ready
#   bash infra/local/infra.sh down   [kafka|s3|postgres ...]   stop (and wipe data unless ARGUS_INFRA_KEEP_DATA=1)
#   bash infra/local/infra.sh status [-q] [kafka|s3|postgres ...]   running/stopped, pid, port, log (exit 3 if any is stopped; -q: exit code only)
#   bash infra/local/infra.sh env                              print `export ARGUS_...=...` lines for eval
#
# Components (started one after another, the machine has 2 cores):
#   kafka     Apache Kafka (KRaft, one node as broker+controller), jars from Maven Central
#   s3        S3Proxy (S3 API on a filesystem backend) standing in for MinIO, from Maven Central
#   postgres  PostgreSQL 15 from apt, a throw-away cluster on its own port
#
# Everything fetched or generated lives in .infra/ at the repo root (ARGUS_INFRA_DIR),
# except the Postgres cluster, which lives where the postgres user can reach it:
# ${TMPDIR:-/tmp}/argus-pg-$ARGUS_PG_PORT (ARGUS_PG_DATA). See infra/local/README.md.
set -euo pipefail

SCRIPT_DIR=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd -- "$SCRIPT_DIR/../.." && pwd)

# shellcheck source=infra/local/defaults.env
. "$SCRIPT_DIR/defaults.env"
export ARGUS_KAFKA_PORT ARGUS_KAFKA_CONTROLLER_PORT ARGUS_KAFKA_BROKERS
export ARGUS_S3_PORT ARGUS_S3_ENDPOINT ARGUS_S3_ACCESS_KEY ARGUS_S3_SECRET_KEY ARGUS_S3_REGION
export ARGUS_PG_PORT ARGUS_DATABASE_URL

INFRA_DIR=${ARGUS_INFRA_DIR:-$REPO_ROOT/.infra}
case $INFRA_DIR in /*) ;; *) INFRA_DIR=$PWD/$INFRA_DIR ;; esac
LOG_DIR=$INFRA_DIR/logs
RUN_DIR=$INFRA_DIR/run
TIMEOUT=${ARGUS_INFRA_TIMEOUT:-120}
KEEP_DATA=${ARGUS_INFRA_KEEP_DATA:-0}
STOP_GRACE=${ARGUS_INFRA_STOP_GRACE:-30}

JAVA=java
if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ]; then JAVA=$JAVA_HOME/bin/java; fi
JAVAC=javac
if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/javac" ]; then JAVAC=$JAVA_HOME/bin/javac; fi

# ---------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------
say() { printf '[infra] %s\n' "$*"; }
warn() { printf '[infra] WARNING: %s\n' "$*" >&2; }
die() {
	printf '[infra] ERROR: %s\n' "$*" >&2
	exit 1
}

# Path relative to the repo when inside it (for messages).
rel() {
	case $1 in
	"$REPO_ROOT"/*) printf '%s' "${1#"$REPO_ROOT"/}" ;;
	*) printf '%s' "$1" ;;
	esac
}

show_log_tail() { # file [lines]
	local file=$1 lines=${2:-40}
	if [ -r "$file" ]; then
		printf -- '----- last %s lines of %s -----\n' "$lines" "$file" >&2
		tail -n "$lines" "$file" >&2 || true
		printf -- '----- end of %s -----\n' "$file" >&2
	else
		printf '(no log at %s)\n' "$file" >&2
	fi
}

fail_with_log() { # message logfile
	printf '[infra] ERROR: %s\n' "$1" >&2
	show_log_tail "$2"
	printf '[infra] full log: %s\n' "$2" >&2
	exit 1
}

# A live process (zombies count as dead).
pid_alive() {
	local pid=${1:-} state
	[ -n "$pid" ] && [ -r "/proc/$pid/stat" ] || return 1
	state=$(sed 's/^.*) //' "/proc/$pid/stat" 2>/dev/null | cut -d' ' -f1) || return 1
	[ -n "$state" ] && [ "$state" != Z ] && [ "$state" != X ]
}

# Does the process's command line contain this exact string?
pid_has_marker() { # pid marker
	[ -r "/proc/$1/cmdline" ] && tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null | grep -qF -- "$2 "
}

# Find a process of ours by its unique marker (used when a pid file is lost).
find_pid_by_marker() { # marker
	local d pid
	for d in /proc/[0-9]*; do
		pid=${d#/proc/}
		[ "$pid" = "$$" ] && continue
		if pid_has_marker "$pid" "$1" && pid_alive "$pid"; then
			printf '%s\n' "$pid"
			return 0
		fi
	done
	return 1
}

read_pidfile() { # name
	local f=$RUN_DIR/$1.pid
	[ -r "$f" ] && head -n1 "$f" 2>/dev/null || true
}

port_open() { # port: something accepts TCP connections on 127.0.0.1:port
	(exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

port_listening() { # port: any listening socket on this port (any address)
	if command -v ss >/dev/null 2>&1; then
		ss -Hltn "sport = :$1" 2>/dev/null | grep -q .
	else
		port_open "$1"
	fi
}

port_owner() { # port: "java",pid=123,... when ss can tell
	local out=''
	if command -v ss >/dev/null 2>&1; then
		out=$(ss -Hltnp "sport = :$1" 2>/dev/null | sed -n 's/.*users:((\(.*\))).*/\1/p' | head -n1)
	fi
	printf '%s' "${out:-unknown process}"
}

require_free_port() { # component port envvar
	if port_listening "$2"; then
		die "$1: port $2 is already in use by $(port_owner "$2"), which is not this checkout's $1 ($(rel "$INFRA_DIR")). Stop it (another checkout: bash <that checkout>/infra/local/infra.sh down) or pick another port with $3=..."
	fi
}

# SIGTERM, wait, SIGKILL.
stop_pid() { # label pid grace_seconds
	local label=$1 pid=$2 grace=${3:-$STOP_GRACE} i
	pid_alive "$pid" || return 0
	kill -TERM "$pid" 2>/dev/null || return 0
	for ((i = 0; i < grace * 4; i++)); do
		pid_alive "$pid" || return 0
		sleep 0.25
	done
	warn "$label (pid $pid) did not stop within ${grace}s after SIGTERM: sending SIGKILL"
	kill -KILL "$pid" 2>/dev/null || true
	for ((i = 0; i < 40; i++)); do
		pid_alive "$pid" || return 0
		sleep 0.25
	done
	die "$label (pid $pid) survived SIGKILL"
}

# Poll a check function until it succeeds; fail early if the process died.
wait_until() { # label timeout pid logfile check_fn [args...]
	local label=$1 timeout=$2 pid=$3 log=$4
	shift 4
	local deadline=$((SECONDS + timeout))
	while :; do
		if "$@"; then return 0; fi
		if [ -n "$pid" ] && ! pid_alive "$pid"; then
			fail_with_log "$label: the process (pid $pid) exited during startup" "$log"
		fi
		if ((SECONDS >= deadline)); then
			fail_with_log "$label: not ready after ${timeout}s (check: $*)" "$log"
		fi
		sleep 0.5
	done
}

# Start a detached process in its own session, stdout/stderr to a log, pid to a pid file.
# The flock fd (9) is closed so the daemon doesn't hold our lock.
spawn() { # pidfile logfile cmd...
	local pidfile=$1 log=$2 pid
	shift 2
	if command -v setsid >/dev/null 2>&1; then
		setsid "$@" >"$log" 2>&1 </dev/null 9>&- &
	else
		nohup "$@" >"$log" 2>&1 </dev/null 9>&- &
	fi
	pid=$!
	printf '%s\n' "$pid" >"$pidfile"
	printf '%s' "$pid"
}

rotate_log() { # file
	if [ -f "$1" ] && [ ! -L "$1" ]; then mv -f "$1" "$1.1"; fi
}

fingerprint() { # file: short content hash, to notice an edited pom
	md5sum <"$1" | cut -c1-12
}

need_java() {
	command -v "$JAVA" >/dev/null 2>&1 ||
		die "java not found. Kafka and S3Proxy need Java 17+: apt-get install -y openjdk-17-jre-headless (or set JAVA_HOME)"
	local v
	v=$("$JAVA" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2; exit}')
	case $v in
	1.* | '' | [0-9] | 1[0-6]) die "Java 17+ is required, found '${v:-unknown}' ($(command -v "$JAVA"))" ;;
	esac
}

need_mvn() {
	command -v mvn >/dev/null 2>&1 ||
		die "mvn not found. Maven 3.8+ fetches the Kafka and S3Proxy jars from Maven Central on first use: apt-get install -y maven"
}

# Fetch a pom's dependencies into a lib folder (atomically: tmp folder, then rename).
maven_fetch() { # label pom outdir logfile [-Dprop=value ...]
	local label=$1 pom=$2 out=$3 log=$4
	shift 4
	need_mvn
	local tmp=$out.tmp.$$
	rm -rf "$tmp"
	mkdir -p "$(dirname "$out")"
	if ! mvn -B -q -Dstyle.color=never -f "$pom" "$@" \
		dependency:copy-dependencies -DoutputDirectory="$tmp" >"$log" 2>&1 </dev/null; then
		rm -rf "$tmp"
		fail_with_log "$label: Maven could not fetch the jars (Maven Central unreachable? a proxy belongs in ~/.m2/settings.xml)" "$log"
	fi
	rm -rf "$out"
	mv "$tmp" "$out"
}

# ---------------------------------------------------------------------------
# Kafka
# ---------------------------------------------------------------------------
KAFKA_HOME=$INFRA_DIR/kafka
KAFKA_LIB=$KAFKA_HOME/lib
KAFKA_TOOLS=$KAFKA_HOME/tools
KAFKA_DATA=$KAFKA_HOME/data
KAFKA_CONF=$KAFKA_HOME/server.properties
KAFKA_LOG=$LOG_DIR/kafka.log
KAFKA_READY_LOG=$LOG_DIR/kafka-ready.log
KAFKA_PIDFILE=$RUN_DIR/kafka.pid
KAFKA_MARKER="-Dargus.infra.kafka=$INFRA_DIR"
KAFKA_SRC=$SCRIPT_DIR/kafka

kafka_pid() {
	local pid
	pid=$(read_pidfile kafka)
	if pid_alive "$pid" && pid_has_marker "$pid" "$KAFKA_MARKER"; then
		printf '%s' "$pid"
		return 0
	fi
	# Pid file lost or stale: look for our process by its marker, and repair the pid file.
	pid=$(find_pid_by_marker "$KAFKA_MARKER") || return 1
	if [ -d "$RUN_DIR" ]; then printf '%s\n' "$pid" >"$KAFKA_PIDFILE" 2>/dev/null || true; fi
	printf '%s' "$pid"
}

kafka_install() {
	local stamp=$KAFKA_LIB/.argus-installed want
	want="kafka $ARGUS_KAFKA_VERSION $(fingerprint "$KAFKA_SRC/pom.xml")"
	if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
		local t0=$SECONDS
		say "Installing Kafka $ARGUS_KAFKA_VERSION jars (first use, cached in $(rel "$KAFKA_LIB"))…"
		maven_fetch kafka "$KAFKA_SRC/pom.xml" "$KAFKA_LIB" "$LOG_DIR/install-kafka.log" \
			"-Dkafka.version=$ARGUS_KAFKA_VERSION"
		[ -f "$KAFKA_LIB/kafka_2.13-$ARGUS_KAFKA_VERSION.jar" ] ||
			fail_with_log "kafka: kafka_2.13-$ARGUS_KAFKA_VERSION.jar missing after download" "$LOG_DIR/install-kafka.log"
		printf '%s\n' "$want" >"$stamp"
		rm -rf "$KAFKA_TOOLS"
		say "done in $((SECONDS - t0))s"
	fi
	# The readiness probe / warm-up (needs a JDK; without javac we rely on the log line alone).
	if [ ! -f "$KAFKA_TOOLS/KafkaReady.class" ] || [ "$KAFKA_SRC/KafkaReady.java" -nt "$KAFKA_TOOLS/KafkaReady.class" ]; then
		if command -v "$JAVAC" >/dev/null 2>&1; then
			mkdir -p "$KAFKA_TOOLS"
			"$JAVAC" -nowarn -d "$KAFKA_TOOLS" -cp "$KAFKA_LIB/*" "$KAFKA_SRC/KafkaReady.java" >"$LOG_DIR/install-kafka-ready.log" 2>&1 ||
				fail_with_log "kafka: could not compile the readiness probe" "$LOG_DIR/install-kafka-ready.log"
		else
			warn "kafka: javac not found (JRE only): skipping the metadata/coordinator warm-up, readiness = port + log line"
		fi
	fi
}

kafka_write_config() {
	cat >"$KAFKA_CONF" <<EOF
# Generated by infra/local/infra.sh on every start; edit the script, not this file.
# Apache Kafka $ARGUS_KAFKA_VERSION, KRaft, one node as broker + controller, 127.0.0.1 only.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$ARGUS_KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$ARGUS_KAFKA_PORT,CONTROLLER://127.0.0.1:$ARGUS_KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$ARGUS_KAFKA_PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$KAFKA_DATA

# Single node: every replication factor / ISR is 1.
default.replication.factor=1
min.insync.replicas=1
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
# Small internal topics: quicker to create and load on a fresh cluster.
offsets.topic.num.partitions=5
transaction.state.log.num.partitions=5

# One node is the whole cluster: when its controller fences it (its broker missed heartbeats for
# the session timeout, 9 s by default, during a stall of the shared machine), every partition loses
# its leader and every group its coordinator, with no other broker to move them to. A CI run on a
# loaded machine logged controller events of 3-14 s and a fenced broker, and its services then
# failed. A long session rides out such stalls; a broker that really stops is gone with its process.
broker.session.timeout.ms=60000
broker.heartbeat.interval.ms=2000

# Topics are created explicitly by the application.
auto.create.topics.enable=false
delete.topic.enable=true
num.partitions=3
group.initial.rebalance.delay.ms=0

# Throw-away data on 2 cores: fewer threads, small segments.
num.network.threads=2
num.io.threads=4
num.recovery.threads.per.data.dir=1
log.segment.bytes=67108864
log.retention.hours=24
EOF
}

# A short-lived Kafka tool JVM (storage format): small heap, quick start.
kafka_tool() { # main-class args...
	"$JAVA" -Xmx256m -XX:TieredStopAtLevel=1 -Dargus.log.level=WARN \
		"-Dlog4j2.configurationFile=$KAFKA_SRC/log4j2.xml" -cp "$KAFKA_LIB/*:$KAFKA_TOOLS" "$@"
}

kafka_started() {
	port_open "$ARGUS_KAFKA_PORT" && grep -q 'Kafka Server started' "$KAFKA_LOG" 2>/dev/null
}

kafka_up() {
	local pid t0=$SECONDS
	if pid=$(kafka_pid); then
		wait_until kafka "$TIMEOUT" "$pid" "$KAFKA_LOG" kafka_started
		say "kafka: already running (pid $pid, 127.0.0.1:$ARGUS_KAFKA_PORT)"
		return 0
	fi
	rm -f "$KAFKA_PIDFILE"
	require_free_port kafka "$ARGUS_KAFKA_PORT" ARGUS_KAFKA_PORT
	require_free_port kafka "$ARGUS_KAFKA_CONTROLLER_PORT" ARGUS_KAFKA_CONTROLLER_PORT
	need_java
	kafka_install
	kafka_write_config

	if [ ! -f "$KAFKA_DATA/meta.properties" ]; then
		local cluster_id=-
		# 16 random bytes, URL-safe base64 without padding: the form Kafka's Uuid uses. Like
		# Kafka's own Uuid.randomUuid(), never one starting with "-": the format tool reads that as
		# an option (1 start in 64 failed so, "argument --cluster-id/-t: expected one argument").
		while [ "${cluster_id#-}" != "$cluster_id" ]; do
			cluster_id=$(head -c16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')
		done
		mkdir -p "$KAFKA_DATA"
		say "kafka: formatting fresh storage in $(rel "$KAFKA_DATA") (cluster id $cluster_id)"
		kafka_tool kafka.tools.StorageTool format \
			"--cluster-id=$cluster_id" --config "$KAFKA_CONF" >"$LOG_DIR/kafka-format.log" 2>&1 </dev/null 9>&- ||
			fail_with_log "kafka: storage format failed" "$LOG_DIR/kafka-format.log"
	fi

	rotate_log "$KAFKA_LOG"
	say "kafka: starting Kafka $ARGUS_KAFKA_VERSION (KRaft broker+controller) on 127.0.0.1:$ARGUS_KAFKA_PORT, controller :$ARGUS_KAFKA_CONTROLLER_PORT"
	local heap perf
	read -r -a heap <<<"$KAFKA_HEAP_OPTS"
	read -r -a perf <<<"$KAFKA_JVM_PERFORMANCE_OPTS"
	pid=$(spawn "$KAFKA_PIDFILE" "$KAFKA_LOG" "$JAVA" "${heap[@]}" "${perf[@]}" \
		"-Dlog4j2.configurationFile=$KAFKA_SRC/log4j2.xml" "$KAFKA_MARKER" -cp "$KAFKA_LIB/*" \
		kafka.Kafka "$KAFKA_CONF")
	wait_until kafka "$TIMEOUT" "$pid" "$KAFKA_LOG" kafka_started

	if [ -f "$KAFKA_TOOLS/KafkaReady.class" ]; then
		local left=$((TIMEOUT - (SECONDS - t0)))
		((left < 20)) && left=20
		kafka_tool KafkaReady "127.0.0.1:$ARGUS_KAFKA_PORT" "$((left * 1000))" >"$KAFKA_READY_LOG" 2>&1 </dev/null 9>&- ||
			fail_with_log "kafka: the broker started but the metadata request / coordinator warm-up failed (broker log: $KAFKA_LOG)" "$KAFKA_READY_LOG"
	fi
	say "kafka: ready in $((SECONDS - t0))s (pid $pid, log $(rel "$KAFKA_LOG"))"
}

kafka_down() {
	local pid
	pid=$(kafka_pid) || pid=''
	if [ -n "$pid" ]; then
		say "kafka: stopping (pid $pid)"
		stop_pid kafka "$pid" "$STOP_GRACE"
	fi
	rm -f "$KAFKA_PIDFILE"
	if [ "$KEEP_DATA" != 1 ] && [ -d "$KAFKA_DATA" ]; then
		rm -rf "$KAFKA_DATA"
		say "kafka: data wiped ($(rel "$KAFKA_DATA"))"
	fi
}

kafka_status() {
	local pid
	if pid=$(kafka_pid); then
		status_line kafka running "$pid" "127.0.0.1:$ARGUS_KAFKA_PORT (controller :$ARGUS_KAFKA_CONTROLLER_PORT)" "Kafka $ARGUS_KAFKA_VERSION" "$KAFKA_LOG"
		return 0
	fi
	status_line kafka "$(stopped_word "$ARGUS_KAFKA_PORT")" - "127.0.0.1:$ARGUS_KAFKA_PORT (controller :$ARGUS_KAFKA_CONTROLLER_PORT)" "Kafka $ARGUS_KAFKA_VERSION" "$KAFKA_LOG"
	return 3
}

# ---------------------------------------------------------------------------
# S3 (S3Proxy, filesystem backend, AWS v2/v4 signatures checked)
# ---------------------------------------------------------------------------
S3_HOME=$INFRA_DIR/s3proxy
S3_LIB=$S3_HOME/lib
S3_DATA=$S3_HOME/data
S3_CONF=$S3_HOME/s3proxy.conf
S3_LOG=$LOG_DIR/s3proxy.log
S3_PIDFILE=$RUN_DIR/s3proxy.pid
S3_MARKER="-Dargus.infra.s3proxy=$INFRA_DIR"
S3_SRC=$SCRIPT_DIR/s3proxy
S3_JAR=$S3_LIB/s3proxy-$ARGUS_S3PROXY_VERSION-jar-with-dependencies.jar

s3_pid() {
	local pid
	pid=$(read_pidfile s3proxy)
	if pid_alive "$pid" && pid_has_marker "$pid" "$S3_MARKER"; then
		printf '%s' "$pid"
		return 0
	fi
	# Pid file lost or stale: look for our process by its marker, and repair the pid file.
	pid=$(find_pid_by_marker "$S3_MARKER") || return 1
	if [ -d "$RUN_DIR" ]; then printf '%s\n' "$pid" >"$S3_PIDFILE" 2>/dev/null || true; fi
	printf '%s' "$pid"
}

s3_install() {
	local stamp=$S3_LIB/.argus-installed want
	want="s3proxy $ARGUS_S3PROXY_VERSION $(fingerprint "$S3_SRC/pom.xml")"
	if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -f "$S3_JAR" ]; then return 0; fi
	local t0=$SECONDS
	say "Installing S3Proxy $ARGUS_S3PROXY_VERSION jar (first use, cached in $(rel "$S3_LIB"))…"
	maven_fetch s3 "$S3_SRC/pom.xml" "$S3_LIB" "$LOG_DIR/install-s3proxy.log" \
		"-Ds3proxy.version=$ARGUS_S3PROXY_VERSION"
	[ -f "$S3_JAR" ] || fail_with_log "s3: $(basename "$S3_JAR") missing after download" "$LOG_DIR/install-s3proxy.log"
	printf '%s\n' "$want" >"$stamp"
	say "done in $((SECONDS - t0))s"
}

s3_write_config() {
	(
		umask 077
		cat >"$S3_CONF" <<EOF
# Generated by infra/local/infra.sh on every start (holds the access keys: mode 600).
s3proxy.endpoint=http://127.0.0.1:$ARGUS_S3_PORT
s3proxy.authorization=aws-v2-or-v4
s3proxy.identity=$ARGUS_S3_ACCESS_KEY
s3proxy.credential=$ARGUS_S3_SECRET_KEY
jclouds.provider=filesystem
jclouds.identity=$ARGUS_S3_ACCESS_KEY
jclouds.credential=$ARGUS_S3_SECRET_KEY
jclouds.filesystem.basedir=$S3_DATA
jclouds.region=$ARGUS_S3_REGION
EOF
	)
}

http_answers() { # port: an HTTP server answers (any status; S3Proxy says 403 to anonymous requests)
	local code
	if command -v curl >/dev/null 2>&1; then
		code=$(curl -s -o /dev/null -m 3 -w '%{http_code}' "http://127.0.0.1:$1/" 2>/dev/null) || true
		[ -n "$code" ] && [ "$code" != 000 ]
	else
		(
			exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1
			printf 'GET / HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' >&3
			head -c 5 <&3 | grep -q '^HTTP/'
		) 2>/dev/null
	fi
}

s3_ready() { http_answers "$ARGUS_S3_PORT"; }

s3_up() {
	local pid t0=$SECONDS
	if pid=$(s3_pid); then
		wait_until s3 "$TIMEOUT" "$pid" "$S3_LOG" s3_ready
		say "s3: already running (pid $pid, http://127.0.0.1:$ARGUS_S3_PORT)"
		return 0
	fi
	rm -f "$S3_PIDFILE"
	require_free_port s3 "$ARGUS_S3_PORT" ARGUS_S3_PORT
	need_java
	s3_install
	mkdir -p "$S3_DATA"
	s3_write_config
	local opts
	read -r -a opts <<<"$ARGUS_S3PROXY_JAVA_OPTS"
	rotate_log "$S3_LOG"
	say "s3: starting S3Proxy $ARGUS_S3PROXY_VERSION (filesystem backend, access keys checked) on http://127.0.0.1:$ARGUS_S3_PORT"
	pid=$(LOG_LEVEL=${ARGUS_S3PROXY_LOG_LEVEL:-info} spawn "$S3_PIDFILE" "$S3_LOG" \
		"$JAVA" "${opts[@]}" "$S3_MARKER" \
		-Dlogback.statusListenerClass=ch.qos.logback.core.status.NopStatusListener \
		-jar "$S3_JAR" --properties "$S3_CONF")
	wait_until s3 "$TIMEOUT" "$pid" "$S3_LOG" s3_ready
	say "s3: ready in $((SECONDS - t0))s (pid $pid, log $(rel "$S3_LOG"))"
}

s3_down() {
	local pid
	pid=$(s3_pid) || pid=''
	if [ -n "$pid" ]; then
		say "s3: stopping (pid $pid)"
		stop_pid s3proxy "$pid" "$STOP_GRACE"
	fi
	rm -f "$S3_PIDFILE"
	if [ "$KEEP_DATA" != 1 ] && [ -d "$S3_DATA" ]; then
		rm -rf "$S3_DATA"
		say "s3: data wiped ($(rel "$S3_DATA"))"
	fi
}

s3_status() {
	local pid
	if pid=$(s3_pid); then
		status_line s3 running "$pid" "http://127.0.0.1:$ARGUS_S3_PORT" "S3Proxy $ARGUS_S3PROXY_VERSION" "$S3_LOG"
		return 0
	fi
	status_line s3 "$(stopped_word "$ARGUS_S3_PORT")" - "http://127.0.0.1:$ARGUS_S3_PORT" "S3Proxy $ARGUS_S3PROXY_VERSION" "$S3_LOG"
	return 3
}

# ---------------------------------------------------------------------------
# PostgreSQL 15 (throw-away cluster)
# ---------------------------------------------------------------------------
# Outside the repo by default: CI clones into a mode-700 root-owned mktemp folder
# that the postgres user (initdb refuses to run as root) cannot traverse.
PG_BASE=${ARGUS_PG_DATA:-${TMPDIR:-/tmp}/argus-pg-$ARGUS_PG_PORT}
case $PG_BASE in /*) ;; *) PG_BASE=$PWD/$PG_BASE ;; esac
PG_DATA=$PG_BASE/data
PG_LOG=$PG_BASE/postgres.log
PG_SOCKET_DIR=$PG_BASE
PG_PIDFILE=$RUN_DIR/postgres.pid
PG_LINK=$LOG_DIR/postgres.log
PG_OWNER=$PG_BASE/argus-infra-dir
PG_BIN=''

is_root() { [ "$(id -u)" -eq 0 ]; }

# Run a Postgres binary as the postgres user when we are root (initdb/postgres refuse root).
# From / : the caller's working folder may be one postgres cannot enter (pg_ctl/initdb need getcwd).
as_pg() {
	if is_root; then
		(cd / && runuser -u postgres -- "$@")
	else
		(cd / && "$@")
	fi
}

pg_find_bin() {
	[ -n "$PG_BIN" ] && return 0
	local cand
	for cand in "${ARGUS_PG_BINDIR:-}" /usr/lib/postgresql/15/bin; do
		if [ -n "$cand" ] && [ -x "$cand/initdb" ] && [ -x "$cand/pg_ctl" ]; then
			PG_BIN=$cand
			return 0
		fi
	done
	if command -v pg_config >/dev/null 2>&1 && pg_config --version 2>/dev/null | grep -q 'PostgreSQL 15\.'; then
		cand=$(pg_config --bindir)
		if [ -x "$cand/initdb" ] && [ -x "$cand/pg_ctl" ]; then
			PG_BIN=$cand
			return 0
		fi
	fi
	pg_install
	PG_BIN=/usr/lib/postgresql/15/bin
	[ -x "$PG_BIN/initdb" ] || die "postgres: $PG_BIN/initdb still missing after installing postgresql-15"
}

pg_install() {
	is_root || die "postgres: PostgreSQL 15 server binaries not found (/usr/lib/postgresql/15/bin). Install them: sudo apt-get install -y postgresql-15 (or point ARGUS_PG_BINDIR at a PostgreSQL 15 bin folder)"
	command -v apt-get >/dev/null 2>&1 || die "postgres: PostgreSQL 15 not found and apt-get is not available: install PostgreSQL 15 and set ARGUS_PG_BINDIR"
	local log=$LOG_DIR/install-postgres.log t0=$SECONDS
	say "postgres: PostgreSQL 15 not found: installing it from apt (apt-get update && apt-get install -y postgresql-15), log $(rel "$log")…"
	# Don't let the package create and start its own 'main' cluster on 5432.
	if [ ! -e /etc/postgresql-common/createcluster.conf ]; then
		mkdir -p /etc/postgresql-common
		printf 'create_main_cluster = false\n' >/etc/postgresql-common/createcluster.conf
	fi
	{
		DEBIAN_FRONTEND=noninteractive apt-get update -q &&
			DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
				-o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold postgresql-15
	} >"$log" 2>&1 </dev/null 9>&- || fail_with_log "postgres: apt-get install postgresql-15 failed" "$log"
	say "done in $((SECONDS - t0))s"
}

pg_psql_admin() { # psql args...: as the cluster's superuser over the unix socket
	as_pg "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$PG_SOCKET_DIR" -p "$ARGUS_PG_PORT" -U postgres -d postgres "$@"
}

pg_pid() {
	local pid
	[ -r "$PG_DATA/postmaster.pid" ] || return 1
	pid=$(head -n1 "$PG_DATA/postmaster.pid" 2>/dev/null) || return 1
	pid_alive "$pid" || return 1
	printf '%s' "$pid"
}

pg_ready() {
	"$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$ARGUS_PG_PORT" -d postgres -t 2 >/dev/null 2>&1
}

pg_db_ready() {
	pg_ready &&
		[ "$(PGPASSWORD=argus PGCONNECT_TIMEOUT=3 "$PG_BIN/psql" -X -qAt -h 127.0.0.1 -p "$ARGUS_PG_PORT" -U argus -d argus \
			-c "select current_database()" 2>/dev/null)" = argus ]
}

pg_prepare_base() {
	mkdir -p "$PG_BASE"
	if is_root; then
		chown postgres:postgres "$PG_BASE"
		chmod 700 "$PG_BASE"
		if ! runuser -u postgres -- test -w "$PG_BASE" 2>/dev/null; then
			die "postgres: the postgres user cannot reach $PG_BASE (a parent folder is not traversable, e.g. a mode-700 mktemp folder). Point ARGUS_PG_DATA at a folder under /tmp."
		fi
	else
		chmod 700 "$PG_BASE"
	fi
}

pg_write_config() {
	as_pg tee "$PG_DATA/argus.conf" >/dev/null <<EOF
# Generated by infra/local/infra.sh on every start. Throw-away test cluster: durability off.
listen_addresses = '127.0.0.1'
port = $ARGUS_PG_PORT
unix_socket_directories = '$PG_SOCKET_DIR'
max_connections = 200
shared_buffers = 128MB
fsync = off
full_page_writes = off
synchronous_commit = off
log_min_messages = warning
log_line_prefix = '%m [%p] %q%u@%d '
EOF
	if [ "$ARGUS_PG_STAT_STATEMENTS" = 1 ]; then
		echo "shared_preload_libraries = 'pg_stat_statements'" | as_pg tee -a "$PG_DATA/argus.conf" >/dev/null
	fi
	grep -q "include_if_exists = 'argus.conf'" "$PG_DATA/postgresql.conf" ||
		printf "\n# Argus local infrastructure\ninclude_if_exists = 'argus.conf'\n" | as_pg tee -a "$PG_DATA/postgresql.conf" >/dev/null
}

pg_ensure_db() {
	pg_psql_admin >>"$PG_LOG.setup" 2>&1 <<'SQL' || fail_with_log "postgres: could not create role/database argus" "$PG_LOG.setup"
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'argus') THEN
    -- Superuser: a throw-away test cluster, and CREATE EXTENSION (pgcrypto, ...) just works.
    CREATE ROLE argus LOGIN SUPERUSER PASSWORD 'argus';
  END IF;
END
$$;
SELECT 'CREATE DATABASE argus OWNER argus' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'argus')\gexec
SQL
	if [ "$ARGUS_PG_STAT_STATEMENTS" = 1 ]; then
		# The view lives in the argus database and shows the statements of every database (the tests' too).
		pg_psql_admin -d argus -c 'CREATE EXTENSION IF NOT EXISTS pg_stat_statements' >>"$PG_LOG.setup" 2>&1 ||
			fail_with_log "postgres: could not create extension pg_stat_statements" "$PG_LOG.setup"
	fi
}

pg_up() {
	local pid t0=$SECONDS
	pg_find_bin
	if pid=$(pg_pid); then
		wait_until postgres "$TIMEOUT" "$pid" "$PG_LOG" pg_ready
		pg_ensure_db
		wait_until postgres "$TIMEOUT" "$pid" "$PG_LOG" pg_db_ready
		printf '%s\n' "$pid" >"$PG_PIDFILE"
		say "postgres: already running (pid $pid, 127.0.0.1:$ARGUS_PG_PORT)"
		return 0
	fi
	rm -f "$PG_PIDFILE"
	require_free_port postgres "$ARGUS_PG_PORT" ARGUS_PG_PORT
	pg_prepare_base
	# The cluster lives outside the checkout: a cluster left behind by another checkout
	# (or by one killed without `down`, e.g. at the end of a CI job) is not ours to reuse.
	if [ -e "$PG_DATA" ] && [ "$(cat "$PG_OWNER" 2>/dev/null)" != "$INFRA_DIR" ]; then
		say "postgres: $PG_DATA was left by $(cat "$PG_OWNER" 2>/dev/null || echo 'an unknown checkout') and is not running: wiping it (throw-away cluster)"
		rm -rf "$PG_DATA"
	fi
	printf '%s\n' "$INFRA_DIR" >"$PG_OWNER"
	if [ ! -s "$PG_DATA/PG_VERSION" ]; then
		say "postgres: initdb of a throw-away cluster in $PG_DATA"
		as_pg "$PG_BIN/initdb" -D "$PG_DATA" -U postgres -E UTF8 --locale=C \
			--auth-local=trust --auth-host=scram-sha-256 --no-instructions \
			>"$LOG_DIR/postgres-initdb.log" 2>&1 </dev/null 9>&- ||
			fail_with_log "postgres: initdb failed" "$LOG_DIR/postgres-initdb.log"
	fi
	pg_write_config
	ln -sfn "$PG_LOG" "$PG_LINK"
	say "postgres: starting PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$ARGUS_PG_PORT (socket and log in $PG_BASE)"
	as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$PG_LOG" -w -t "$TIMEOUT" start >/dev/null 2>&1 </dev/null 9>&- ||
		fail_with_log "postgres: pg_ctl start failed" "$PG_LOG"
	pid=$(pg_pid) || fail_with_log "postgres: started but no live postmaster.pid" "$PG_LOG"
	printf '%s\n' "$pid" >"$PG_PIDFILE"
	wait_until postgres "$TIMEOUT" "$pid" "$PG_LOG" pg_ready
	pg_ensure_db
	wait_until postgres "$TIMEOUT" "$pid" "$PG_LOG" pg_db_ready
	say "postgres: ready in $((SECONDS - t0))s (pid $pid, $ARGUS_DATABASE_URL, log $PG_LOG)"
}

pg_down() {
	local pid
	pid=$(pg_pid) || pid=$(read_pidfile postgres)
	if [ -n "$pid" ] && pid_alive "$pid" && pid_has_marker "$pid" "$PG_DATA"; then
		say "postgres: stopping (pid $pid)"
		pg_find_bin
		as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" -m fast -w -t "$STOP_GRACE" stop >/dev/null 2>&1 </dev/null 9>&- ||
			warn "postgres: pg_ctl stop did not finish, signalling pid $pid"
		stop_pid postgres "$pid" 10
	fi
	rm -f "$PG_PIDFILE"
	# Keep the server log after a wipe: copy it next to the others.
	if [ -L "$PG_LINK" ]; then rm -f "$PG_LINK"; fi
	if [ -f "$PG_LOG" ]; then cp -f "$PG_LOG" "$PG_LINK" 2>/dev/null || true; fi
	if [ "$KEEP_DATA" != 1 ] && [ -d "$PG_BASE" ]; then
		# Remove only what we created: never rm -rf a folder someone pointed ARGUS_PG_DATA at.
		rm -rf "$PG_DATA"
		rm -f "$PG_LOG" "$PG_LOG.setup" "$PG_OWNER" "$PG_SOCKET_DIR/.s.PGSQL.$ARGUS_PG_PORT" "$PG_SOCKET_DIR/.s.PGSQL.$ARGUS_PG_PORT.lock"
		rmdir "$PG_BASE" 2>/dev/null || true
		say "postgres: data wiped ($PG_DATA)"
	fi
}

pg_status() {
	local pid log=$PG_LOG
	[ -f "$PG_LOG" ] || log=$PG_LINK
	if pid=$(pg_pid); then
		status_line postgres running "$pid" "127.0.0.1:$ARGUS_PG_PORT" "PostgreSQL 15, data $PG_DATA" "$log"
		return 0
	fi
	status_line postgres "$(stopped_word "$ARGUS_PG_PORT")" - "127.0.0.1:$ARGUS_PG_PORT" "PostgreSQL 15, data $PG_DATA" "$log"
	return 3
}

# ---------------------------------------------------------------------------
# commands
# ---------------------------------------------------------------------------
stopped_word() { # port
	printf 'stopped'
	if port_listening "$1"; then printf '\n  %-9s note: port %s is in use by %s (not ours)' '' "$1" "$(port_owner "$1")"; fi
}

status_line() { # name state pid address what log
	local state=${2%%$'\n'*} note=''
	[ "$state" = "$2" ] || note=${2#*$'\n'}
	printf '  %-9s %-8s pid %-8s %-40s %s\n' "$1" "$state" "$3" "$4" "$5"
	printf '  %-9s log %s\n' '' "$(rel "$6")"
	if [ -n "$note" ]; then printf '%s\n' "$note"; fi
}

print_env() {
	local v
	for v in ARGUS_KAFKA_BROKERS ARGUS_KAFKA_PORT ARGUS_KAFKA_CONTROLLER_PORT \
		ARGUS_S3_ENDPOINT ARGUS_S3_PORT ARGUS_S3_ACCESS_KEY ARGUS_S3_SECRET_KEY ARGUS_S3_REGION \
		ARGUS_PG_PORT ARGUS_DATABASE_URL; do
		printf "%s%s='%s'\n" "${1:-}" "$v" "${!v}"
	done
}

take_lock() {
	mkdir -p "$INFRA_DIR" "$LOG_DIR" "$RUN_DIR"
	if command -v flock >/dev/null 2>&1; then
		exec 9>"$INFRA_DIR/.lock"
		flock -w "$TIMEOUT" 9 || die "another infra.sh up/down holds $(rel "$INFRA_DIR")/.lock"
	fi
}

usage() {
	cat >&2 <<EOF
usage: bash infra/local/infra.sh up|down|status [-q]|env [kafka|s3|postgres ...]
  up      install on first use (cached in $(rel "$INFRA_DIR")), start, wait until ready (idempotent)
  down    stop; wipes Kafka/S3/Postgres data unless ARGUS_INFRA_KEEP_DATA=1 (harmless when stopped)
  status  running/stopped, pid, address, log; exit 3 when something is stopped (-q: no output)
  env     print export lines: eval "\$(bash infra/local/infra.sh env)"
EOF
	exit 2
}

main() {
	local cmd=${1:-}
	[ -n "$cmd" ] || usage
	shift
	local comps=() c quiet=0
	for c in "$@"; do
		case $c in
		-q | --quiet) quiet=1 ;;
		kafka | s3 | postgres) comps+=("$c") ;;
		minio) comps+=(s3) ;;
		pg | postgresql) comps+=(postgres) ;;
		*) die "unknown component '$c' (kafka, s3, postgres)" ;;
		esac
	done
	((${#comps[@]})) || comps=(kafka s3 postgres)

	case $cmd in
	up | start)
		take_lock
		local t0=$SECONDS
		for c in "${comps[@]}"; do
			case $c in
			kafka) kafka_up ;;
			s3) s3_up ;;
			postgres) pg_up ;;
			esac
		done
		say "up in $((SECONDS - t0))s. Environment (defaults unless already set):"
		print_env '  '
		;;
	down | stop)
		take_lock
		local t0=$SECONDS i busy=() ports=() p
		for ((i = ${#comps[@]} - 1; i >= 0; i--)); do
			case ${comps[i]} in
			kafka) kafka_down ;;
			s3) s3_down ;;
			postgres) pg_down ;;
			esac
		done
		for c in "${comps[@]}"; do
			case $c in
			kafka) ports=("$ARGUS_KAFKA_PORT" "$ARGUS_KAFKA_CONTROLLER_PORT") ;;
			s3) ports=("$ARGUS_S3_PORT") ;;
			postgres) ports=("$ARGUS_PG_PORT") ;;
			esac
			for p in "${ports[@]}"; do
				if port_listening "$p"; then busy+=("$p ($c: $(port_owner "$p"))"); fi
			done
		done
		if ((${#busy[@]})); then
			die "still listening after down: ${busy[*]} (not started by this checkout's infra.sh?)"
		fi
		say "down in $((SECONDS - t0))s; no listener left on the infrastructure ports"
		;;
	status)
		if [ "$quiet" = 1 ]; then
			main status "${comps[@]}" >/dev/null 2>&1
			return
		fi
		local rc=0
		printf 'Argus local infrastructure (state in %s, data %s)\n' "$(rel "$INFRA_DIR")" \
			"$([ "$KEEP_DATA" = 1 ] && echo 'kept on down' || echo 'wiped on down')"
		for c in "${comps[@]}"; do
			case $c in
			kafka) kafka_status || rc=3 ;;
			s3) s3_status || rc=3 ;;
			postgres) pg_status || rc=3 ;;
			esac
		done
		printf 'Environment (defaults unless already set):\n'
		print_env '  '
		return "$rc"
		;;
	env) print_env 'export ' ;;
	-h | --help | help) usage ;;
	*) usage ;;
	esac
}

main "$@"
