// Confluent's own JavaScript client, @confluentinc/schemaregistry, against the registry at SECURED_REGISTRY_URL
// (security on, admin key REGISTRY_ADMIN_KEY), authenticating the way Kafka tooling does: basic auth with
// credentialsSource USER_INFO and a key's id and secret as user info. Keys are made with the native API. Run by run.sh.
'use strict'
const { test } = require('node:test')
const assert = require('node:assert/strict')
const { SchemaRegistryClient, JsonSerializer, JsonDeserializer, SerdeType, RestError } = require('@confluentinc/schemaregistry')

const url = process.env.SECURED_REGISTRY_URL
const adminKey = process.env.REGISTRY_ADMIN_KEY
if (!url || !adminKey) throw new Error('SECURED_REGISTRY_URL and REGISTRY_ADMIN_KEY must be set')
const unique = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`

// A key's "id.secret" as basic auth user info, "id:secret".
const userInfo = (key) => key.replace('.', ':')

// POST /v1/keys as admin: a new key with the role and grants, as user info.
async function newKey(role, grants = []) {
  const response = await fetch(`${url}/v1/keys`, {
    method: 'POST',
    headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ role, grants }),
  })
  const body = await response.text()
  assert.equal(response.status, 201, body)
  const { key } = JSON.parse(body)
  assert.match(key, /^rk_[0-9a-f]{16}\.\S+$/)
  return userInfo(key)
}

const client = (info) => new SchemaRegistryClient({
  baseURLs: [url],
  maxRetries: 0,
  ...(info === undefined ? {} : { basicAuthCredentials: { credentialsSource: 'USER_INFO', userInfo: info } }),
})
const schema = { schemaType: 'JSON', schema: JSON.stringify({ type: 'object', properties: { id: { type: 'integer' } } }) }
const refused = (status, code) => (error) => {
  assert.ok(error instanceof RestError, `${error}`)
  assert.equal(error.status, status, error.message)
  assert.equal(error.errorCode, code, error.message)
  return true
}

test('a service key lets the JSON serializer auto-register on its grant, and a reader key deserialize', async () => {
  const topic = `payments.${unique}`
  const producer = client(await newKey('service', ['payments.*']))
  const serializer = new JsonSerializer(producer, SerdeType.VALUE, { autoRegisterSchemas: true })
  const payment = { id: 'p-1', cents: 250 }

  const bytes = await serializer.serialize(topic, payment)

  const reader = client(await newKey('reader'))
  const latest = await reader.getLatestSchemaMetadata(`${topic}-value`)
  assert.equal(bytes[0], 0, 'magic byte')
  assert.equal(bytes.readInt32BE(1), latest.id)
  assert.deepEqual(Object.keys(JSON.parse(latest.schema).properties), ['id', 'cents'])
  const deserializer = new JsonDeserializer(reader, SerdeType.VALUE, { validate: true })
  assert.deepEqual(await deserializer.deserialize(topic, bytes), payment)
})

test('a service key cannot register outside its grant: 403, 40301', async () => {
  const producer = client(await newKey('service', ['payments.*']))
  await assert.rejects(producer.register(`inventory.${unique}-value`, schema), refused(403, 40301))
  const serializer = new JsonSerializer(producer, SerdeType.VALUE, { autoRegisterSchemas: true })
  await assert.rejects(serializer.serialize(`inventory.${unique}`, { id: 1 }), refused(403, 40301))
})

test('a reader key reads and cannot register: 403, 40301', async () => {
  const subject = `catalog.${unique}-value`
  const id = await client(userInfo(adminKey)).register(subject, schema)
  const reader = client(await newKey('reader'))

  assert.deepEqual(JSON.parse((await reader.getBySubjectAndId(subject, id)).schema), JSON.parse(schema.schema))
  assert.ok((await reader.getAllSubjects()).includes(subject))
  assert.equal((await reader.getLatestSchemaMetadata(subject)).id, id)
  const changed = { schemaType: 'JSON', schema: schema.schema.replace('integer', 'string') }
  await assert.rejects(reader.register(subject, changed), refused(403, 40301))
  await assert.rejects(reader.register(`payments.${unique}-reader-value`, schema), refused(403, 40301))
})

test('no credentials and wrong credentials are 401, 40101', async () => {
  const [id] = (await newKey('reader')).split(':')
  for (const info of [undefined, `${id}:not-the-secret`, 'someone:password', `${userInfo(adminKey)}x`]) {
    await assert.rejects(client(info).getAllSubjects(), refused(401, 40101), `user info ${info}`)
    await assert.rejects(client(info).register(`payments.${unique}-anon-value`, schema), refused(401, 40101), `user info ${info}`)
  }
})

test('credentials from a URL or from SASL settings authenticate like USER_INFO', async () => {
  const [id, secret] = (await newKey('service', ['payments.*'])).split(':')
  const subject = `payments.${unique}-sources-value`
  const fromUrl = new SchemaRegistryClient({
    baseURLs: [url], maxRetries: 0,
    basicAuthCredentials: { credentialsSource: 'URL', userInfo: `http://${id}:${secret}@registry.invalid` },
  })
  const fromSasl = new SchemaRegistryClient({
    baseURLs: [url], maxRetries: 0,
    basicAuthCredentials: { credentialsSource: 'SASL_INHERIT', sasl: { mechanism: 'PLAIN', username: id, password: secret } },
  })
  const registered = await fromUrl.register(subject, schema)
  assert.equal(await fromSasl.getId(subject, schema), registered)
  const wrongSasl = new SchemaRegistryClient({
    baseURLs: [url], maxRetries: 0,
    basicAuthCredentials: { credentialsSource: 'SASL_INHERIT', sasl: { mechanism: 'PLAIN', username: id, password: `${secret}x` } },
  })
  await assert.rejects(wrongSasl.getId(subject, schema), refused(401, 40101))
})
