/**
 * Reads the latest version of the Secret Manager secret named in `MLFLOW_DB_GCP_SECRET`
 * (`projects/<p>/secrets/<id>`) into `password`, with the Python standard library only (the MLflow image need not
 * ship google-cloud-secret-manager): an access token for the pod's Google service account from the GKE metadata
 * server (Workload Identity), then Secret Manager's REST `versions/latest:access`, whose `payload.data` is base64.
 */
export const MLFLOW_GCP_SECRET_FETCH = `
if e.get('MLFLOW_DB_GCP_SECRET'):
    import base64, urllib.request
    def get_json(url, headers):
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=10) as r:
            return json.loads(r.read().decode('utf-8'))
    token = get_json('http://metadata.google.internal/computeMetadata/v1/instance/service-accounts/default/token',
        {'Metadata-Flavor': 'Google'})['access_token']
    version = get_json('https://secretmanager.googleapis.com/v1/%s/versions/latest:access' % e['MLFLOW_DB_GCP_SECRET'],
        {'Authorization': 'Bearer ' + token})
    password = base64.b64decode(version['payload']['data']).decode('utf-8')
`.trim();

/**
 * Applies the model grants of {@link MlflowModelRegistry.modelGrants} (`MLFLOW_MODEL_GRANTS`, JSON) at server
 * start, as the admin, straight into the basic-auth store: each consumer's user is created or its password
 * updated from the users secret (`MLFLOW_USERS_DIR/<username>`), its permission on the registered model is set,
 * and READ is added on the experiment holding each listed version's artifacts, because MLflow authorizes
 * proxied artifact downloads by experiment, not by registered model. A problem with one consumer is logged and
 * never stops the server. Defines `apply_model_grants(e, auth_db_uri, connect_tracking_db)`.
 */
export const MLFLOW_MODEL_GRANTS_APPLY = `
def apply_model_grants(e, auth_db_uri, connect_tracking_db):
    import json, os, re, sys
    grants = json.loads(e.get('MLFLOW_MODEL_GRANTS') or '[]')
    if not grants:
        return
    from mlflow.exceptions import MlflowException
    from mlflow.server.auth.sqlalchemy_store import SqlAlchemyStore
    store = SqlAlchemyStore()
    store.init_db(auth_db_uri)
    def log(msg):
        sys.stderr.write('ml-platform model grants: ' + msg + '\\n')
    def set_permission(kind, key, username, permission, overwrite):
        try:
            getattr(store, 'get_' + kind + '_permission')(key, username)
        except MlflowException:
            try:
                getattr(store, 'create_' + kind + '_permission')(key, username, permission)
                return
            except MlflowException:
                pass  # another replica created it meanwhile
        if overwrite:
            getattr(store, 'update_' + kind + '_permission')(key, username, permission)
    tracking = connect_tracking_db()
    tracking.autocommit = True
    def experiment_of(model, version):
        cur = tracking.cursor()
        try:
            cur.execute('SELECT r.experiment_id FROM model_versions mv JOIN runs r ON r.run_uuid = mv.run_id '
                        'WHERE mv.name = %s AND mv.version = %s', (model, int(version)))
            row = cur.fetchone()
            if row and row[0] is not None:
                return str(row[0])
            cur.execute('SELECT source FROM model_versions WHERE name = %s AND version = %s', (model, int(version)))
            row = cur.fetchone()
        except Exception as err:
            log('cannot look up %s version %s: %s' % (model, version, err))
            return None
        finally:
            cur.close()
        m = re.match(r'mlflow-artifacts:/+(\\d+)/', (row[0] or '') if row else '')
        return m.group(1) if m else None
    for g in grants:
        user = g['username']
        try:
            with open(os.path.join(e['MLFLOW_USERS_DIR'], user)) as f:
                password = f.read()
        except (IOError, OSError):
            log('no password for user %s (key %s of the users secret): it gets no access' % (user, user))
            continue
        try:
            if store.has_user(user):
                store.update_user(user, password=password)
            else:
                store.create_user(user, password)
            set_permission('registered_model', g['model'], user, g['permission'], True)
            for version in g['versions']:
                experiment = experiment_of(g['model'], version)
                if experiment is None:
                    log('%s version %s is not registered: %s cannot read its artifacts until a restart after it is' % (g['model'], version, user))
                else:
                    set_permission('experiment', experiment, user, 'READ', False)
        except Exception as err:
            log('granting %s on %s failed: %s' % (user, g['model'], err))
    tracking.close()
`.trim();

/**
 * The MLflow server's entrypoint (`python -c`), kept in Terraform so reviewers see exactly what runs. It:
 * 1. reads the database password: from `MLFLOW_DB_SECRET_ARN` with boto3 and the pod's own identity (RDS-managed
 *    secret), from `MLFLOW_DB_GCP_SECRET` through the GKE metadata server and Secret Manager's REST API (Cloud SQL,
 *    {@link MLFLOW_GCP_SECRET_FETCH}), or from `MLFLOW_DB_PASSWORD` (set from a Kubernetes secret reference);
 * 2. creates the basic-auth database `<db>_auth` if it does not exist (MLflow creates tables, not databases);
 * 3. writes the basic-auth config (admin user from the referenced secret) and the backend URI into an in-memory
 *    emptyDir, mode 0600, never onto disk or into the pod spec (`%` doubled: MLflow reads the file with configparser);
 * 4. applies the model consumers' users and permissions ({@link MLFLOW_MODEL_GRANTS_APPLY});
 * 5. execs `mlflow server` with the backend URI in the environment, not on the command line.
 */
export const MLFLOW_LAUNCHER = `
import json, os, urllib.parse
e = os.environ
user, password = e['MLFLOW_DB_USER'], e.get('MLFLOW_DB_PASSWORD', '')
if e.get('MLFLOW_DB_SECRET_ARN'):
    import boto3
    secret = json.loads(boto3.client('secretsmanager').get_secret_value(SecretId=e['MLFLOW_DB_SECRET_ARN'])['SecretString'])
    user, password = secret['username'], secret['password']
${MLFLOW_GCP_SECRET_FETCH}
host, port, db, ssl = e['MLFLOW_DB_HOST'], e['MLFLOW_DB_PORT'], e['MLFLOW_DB_NAME'], e['MLFLOW_DB_SSLMODE']
auth_db = db + '_auth'
def uri(name):
    cred = urllib.parse.quote(user, safe='') + (':' + urllib.parse.quote(password, safe='') if password else '')
    return 'postgresql+psycopg2://%s@%s:%s/%s?sslmode=%s' % (cred, host, port, name, ssl)
import psycopg2
conn = psycopg2.connect(host=host, port=port, dbname=db, user=user, password=password or None, sslmode=ssl)
conn.autocommit = True
with conn.cursor() as cur:
    cur.execute('SELECT 1 FROM pg_database WHERE datname = %s', (auth_db,))
    if cur.fetchone() is None:
        cur.execute('CREATE DATABASE "%s"' % auth_db)
conn.close()
run = '/run/mlflow'
def write(name, text):
    fd = os.open(os.path.join(run, name), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, 'w') as f:
        f.write(text)
esc = lambda s: s.replace('%', '%%')
write('backend-uri', uri(db))
write('basic_auth.ini', '[mlflow]\\ndefault_permission = %s\\ndatabase_uri = %s\\nadmin_username = %s\\nadmin_password = %s\\n'
      'authorization_function = mlflow.server.auth:authenticate_request_basic_auth\\n'
      % (e['MLFLOW_DEFAULT_PERMISSION'], esc(uri(auth_db)), esc(e['MLFLOW_ADMIN_USERNAME']), esc(e['MLFLOW_ADMIN_PASSWORD'])))
${MLFLOW_MODEL_GRANTS_APPLY}
apply_model_grants(e, uri(auth_db), lambda: psycopg2.connect(host=host, port=port, dbname=db, user=user, password=password or None, sslmode=ssl))
os.environ['MLFLOW_AUTH_CONFIG_PATH'] = run + '/basic_auth.ini'
os.environ['MLFLOW_BACKEND_STORE_URI'] = uri(db)
os.execvp('mlflow', ['mlflow', 'server', '--host', '0.0.0.0', '--port', e['MLFLOW_PORT'], '--workers', e['MLFLOW_WORKERS'],
    '--artifacts-destination', e['MLFLOW_ARTIFACTS_DESTINATION'], '--serve-artifacts', '--app-name', 'basic-auth'])
`.trim();

/** Liveness check where the password rotates: a fresh connection with the credentials the server started with. */
export const MLFLOW_DB_LIVENESS = "import sqlalchemy; sqlalchemy.create_engine(open('/run/mlflow/backend-uri').read()).connect().close()";
