import { literalSecrets } from '../util';

// The secret scanner guards every example; prove it can fail.
describe('literalSecrets (test helper)', () => {
  test('finds literal credentials and key-shaped values', () => {
    expect(literalSecrets({ provider: { kubernetes: [{ token: 'abc' }] }, x: { y: 'AKIAABCDEFGHIJKLMNOP' } }))
      .toEqual(['$.provider.kubernetes[0].token', '$.x.y']);
  });
  test('ignores a Secret Manager data source naming its secret (an id, not a value), but not a resource doing the same', () => {
    expect(literalSecrets({ data: { google_secret_manager_secret_version: { pw: { secret: 'mlflow-db-password' } } } })).toEqual([]);
    expect(literalSecrets({ resource: { x: { y: { secret: 'hunter2' } } } })).toEqual(['$.resource.x.y.secret']);
  });

  test('ignores Terraform references and unrelated names', () => {
    expect(literalSecrets({ token: '${data.google_client_config.c.access_token}', automount_service_account_token: false })).toEqual([]);
  });
});
