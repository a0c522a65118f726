// The core Confluent flow with Confluent's own JavaScript client, @confluentinc/schemaregistry, against the open
// registry at REGISTRY_URL: its JsonSerializer auto-registers, a fresh client's JsonDeserializer reads the message
// back, lookups, compatibility tests and the refusal of an incompatible schema; data contracts (metadata and rule
// sets kept and found by metadata, contract settings of /config, a CEL rule the serializer runs). Run by run.sh
// (node's test runner).
'use strict'
const { test } = require('node:test')
const assert = require('node:assert/strict')
const {
  SchemaRegistryClient, JsonSerializer, JsonDeserializer, SerdeType, RestError, SerializationError, CelExecutor, RuleMode,
} = require('@confluentinc/schemaregistry')

// The client runs data-contract rules itself; its CEL executor is registered once, as its documentation says.
CelExecutor.register()

const url = process.env.REGISTRY_URL
if (!url) throw new Error('REGISTRY_URL is not set')
const unique = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`
const topic = (name) => `jsc-${name}-${unique}`
// No retries: a refusal must reach the test as it is, and a test must not wait on back-off.
const client = () => new SchemaRegistryClient({ baseURLs: [url], maxRetries: 0 })

const order = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  title: 'Order',
  type: 'object',
  properties: { id: { type: 'string' }, quantity: { type: 'integer', minimum: 1 } },
  required: ['id'],
  additionalProperties: false,
}
const json = (schema) => ({ schemaType: 'JSON', schema: JSON.stringify(schema) })

test('the JSON serializer auto-registers, writes magic byte 0 and the id, and a fresh client deserializes', async () => {
  const name = topic('payments')
  const subject = `${name}-value`
  const producer = client()
  const serializer = new JsonSerializer(producer, SerdeType.VALUE, { autoRegisterSchemas: true })
  const payment = { id: 'p-1', cents: 250, tags: ['card'] }

  // POST /subjects/{topic}-value/versions with the schema the serializer derives from the message.
  const bytes = await serializer.serialize(name, payment)

  const latest = await client().getLatestSchemaMetadata(subject)
  assert.equal(latest.subject, subject)
  assert.equal(latest.version, 1)
  assert.equal(latest.schemaType, 'JSON')
  assert.deepEqual(JSON.parse(latest.schema).properties.cents, { type: 'integer' })
  assert.equal(bytes[0], 0, 'magic byte')
  assert.equal(bytes.readInt32BE(1), latest.id, 'schema id in the header')
  assert.deepEqual(JSON.parse(bytes.subarray(5).toString()), payment)

  // GET /schemas/ids/{id}?subject=... from a client that has seen nothing yet.
  const consumer = client()
  const deserializer = new JsonDeserializer(consumer, SerdeType.VALUE, { validate: true })
  assert.deepEqual(await deserializer.deserialize(name, bytes), payment)
  const info = await client().getBySubjectAndId(subject, latest.id)
  assert.deepEqual(JSON.parse(info.schema), JSON.parse(latest.schema))

  // The same message again is the same id (POST answers the existing version), and the subject has one version.
  const again = await new JsonSerializer(client(), SerdeType.VALUE, { autoRegisterSchemas: true }).serialize(name, payment)
  assert.equal(again.readInt32BE(1), latest.id)
  assert.deepEqual(await client().getAllVersions(subject), [1])
  assert.equal(await client().getId(subject, { schemaType: 'JSON', schema: latest.schema }), latest.id)
})

test('a serializer using the latest version validates, and the deserializer refuses a message its schema rejects', async () => {
  const name = topic('orders')
  const subject = `${name}-value`
  const id = await client().register(subject, json(order))
  assert.ok(Number.isInteger(id) && id > 0, `id ${id}`)

  const serializer = new JsonSerializer(client(), SerdeType.VALUE, { useLatestVersion: true, validate: true })
  const bytes = await serializer.serialize(name, { id: 'o-1', quantity: 2 })
  assert.equal(bytes.readInt32BE(1), id)
  await assert.rejects(serializer.serialize(name, { id: 'o-2', quantity: 0 }), SerializationError)

  const deserializer = new JsonDeserializer(client(), SerdeType.VALUE, { validate: true })
  assert.deepEqual(await deserializer.deserialize(name, bytes), { id: 'o-1', quantity: 2 })
  const forged = Buffer.concat([bytes.subarray(0, 5), Buffer.from(JSON.stringify({ quantity: 'many' }))])
  await assert.rejects(deserializer.deserialize(name, forged), SerializationError)

  const metadata = await client().getSchemaMetadata(subject, 1)
  assert.equal(metadata.id, id)
  assert.deepEqual(JSON.parse(metadata.schema), order)
})

test('compatibility tests answer true and false, and an incompatible registration is refused with 409', async () => {
  const subject = `${topic('evolving')}-value`
  const registry = client()
  const first = await registry.register(subject, json(order))
  const withNote = { ...order, properties: { ...order.properties, note: { type: 'string' } } }
  const numericId = { ...order, properties: { ...order.properties, id: { type: 'integer' } } }

  assert.equal(await registry.testSubjectCompatibility(subject, json(withNote)), true)
  assert.equal(await registry.testSubjectCompatibility(subject, json(numericId)), false)
  assert.equal(await registry.testCompatibility(subject, 1, json(numericId)), false)

  const second = await registry.register(subject, json(withNote))
  assert.notEqual(second, first)
  await assert.rejects(registry.register(subject, json(numericId)), (error) => {
    assert.ok(error instanceof RestError, `${error}`)
    assert.equal(error.status, 409)
    assert.equal(error.errorCode, 409)
    assert.match(error.message, /incompatible/i)
    return true
  })
  assert.equal((await client().getLatestSchemaMetadata(subject)).id, second)
  assert.deepEqual(await client().getAllVersions(subject), [1, 2])
})

test('an auto-registering serializer is refused when the message changes a field incompatibly', async () => {
  const name = topic('drift')
  const serializer = new JsonSerializer(client(), SerdeType.VALUE, { autoRegisterSchemas: true })
  await serializer.serialize(name, { id: 'd-1', cents: 5 })
  // The derived schema now says id is an integer: old messages (string ids) would not validate under it.
  await assert.rejects(serializer.serialize(name, { id: 7, cents: 5 }), (error) => error instanceof RestError && error.status === 409 && error.errorCode === 409)
})

test('a deserializer on the latest version reads a message written under an older one', async () => {
  const name = topic('upgrade')
  const subject = `${name}-value`
  const registry = client()
  const v1 = { type: 'object', properties: { id: { type: 'string' } }, additionalProperties: false }
  const v2 = { ...v1, properties: { ...v1.properties, note: { type: 'string' } } }
  const v3 = { ...v2, properties: { ...v2.properties, count: { type: 'integer' } } }
  const first = await registry.register(subject, json(v1))
  const bytes = await new JsonSerializer(client(), SerdeType.VALUE, { useLatestVersion: true, validate: true }).serialize(name, { id: 'u-1' })
  await registry.register(subject, json(v2))
  await registry.register(subject, json(v3))
  assert.equal(bytes.readInt32BE(1), first)

  // POST /subjects/{s}?deleted=true finds the writer's version, GET .../versions/2?deleted=true the one between.
  const deserializer = new JsonDeserializer(client(), SerdeType.VALUE, { useLatestVersion: true, validate: true })
  assert.deepEqual(await deserializer.deserialize(name, bytes), { id: 'u-1' })
  assert.equal(await client().getVersion(subject, json(v1)), 1)
  assert.equal((await client().getSchemaMetadata(subject, 2, true)).version, 2)
})

test('references resolve through the registry when the serde validates', async () => {
  const address = { $id: 'https://example.com/schemas/address.json', type: 'object', properties: { street: { type: 'string' } }, required: ['street'] }
  const customer = {
    type: 'object',
    properties: { name: { type: 'string' }, address: { $ref: 'https://example.com/schemas/address.json' } },
    required: ['name', 'address'],
  }
  const addressSubject = `${topic('address')}-value`
  const name = topic('customer')
  const registry = client()
  await registry.register(addressSubject, json(address))
  const references = [{ name: 'https://example.com/schemas/address.json', subject: addressSubject, version: 1 }]
  const id = await registry.register(`${name}-value`, { ...json(customer), references })
  assert.deepEqual((await client().getLatestSchemaMetadata(`${name}-value`)).references, references)

  const serializer = new JsonSerializer(client(), SerdeType.VALUE, { useLatestVersion: true, validate: true })
  const payload = { name: 'Ada', address: { street: 'Main St' } }
  const bytes = await serializer.serialize(name, payload)
  assert.equal(bytes.readInt32BE(1), id)
  await assert.rejects(serializer.serialize(name, { name: 'Ada', address: {} }), /street/)
  const info = await client().getBySubjectAndId(`${name}-value`, id)
  assert.deepEqual(info.references, references)
  assert.deepEqual(await new JsonDeserializer(client(), SerdeType.VALUE, { validate: true }).deserialize(name, bytes), payload)
})

test('key and value serdes use the topic-key and topic-value subjects', async () => {
  const name = topic('keyed')
  const bytes = await new JsonSerializer(client(), SerdeType.KEY, { autoRegisterSchemas: true }).serialize(name, 'k-1')
  const subjects = (await client().getAllSubjects()).filter((s) => s.startsWith(name))
  assert.deepEqual(subjects, [`${name}-key`])
  assert.deepEqual(JSON.parse((await client().getLatestSchemaMetadata(`${name}-key`)).schema), { type: 'string' })
  assert.equal(await new JsonDeserializer(client(), SerdeType.KEY, {}).deserialize(name, bytes), 'k-1')
})

test('compatibility levels read and written through the client', async () => {
  const subject = `${topic('levels')}-value`
  const registry = client()
  await registry.register(subject, json(order))
  assert.equal(await registry.updateCompatibility(subject, 'FULL'), 'FULL')
  assert.equal(await registry.getCompatibility(subject), 'FULL')
  assert.ok(['BACKWARD', 'BACKWARD_TRANSITIVE', 'FORWARD', 'FORWARD_TRANSITIVE', 'FULL', 'FULL_TRANSITIVE', 'NONE']
    .includes(await registry.getDefaultCompatibility()))
})

test('unknown subjects and ids are 404 with the Confluent codes', async () => {
  await assert.rejects(client().getLatestSchemaMetadata(`${topic('nobody')}-value`),
    (error) => error instanceof RestError && error.status === 404 && error.errorCode === 40401)
  const forged = Buffer.from([0, 0x7f, 0xff, 0xff, 0xf0, 0x7b, 0x7d])
  await assert.rejects(new JsonDeserializer(client(), SerdeType.VALUE, {}).deserialize(topic('ghost'), forged),
    (error) => error instanceof RestError && error.status === 404 && error.errorCode === 40403)
})

test('metadata and rule sets are kept: register, lookup and getBySubjectAndId answer them, another metadata is another id', async () => {
  const subject = `${topic('contract')}-value`
  const registry = client()
  const metadata = { tags: { '$.id': ['PII'] }, properties: { owner: 'team-a', major: '1' }, sensitive: ['id'] }
  const ruleSet = { domainRules: [{ name: 'positive', kind: 'CONDITION', mode: RuleMode.WRITE, type: 'CEL', expr: 'message.quantity > 0' }] }
  const info = { ...json(order), metadata, ruleSet }

  const id = await registry.register(subject, info)
  assert.equal(await client().getId(subject, info), id)
  const byId = await client().getBySubjectAndId(subject, id)
  assert.deepEqual(byId.metadata, metadata)
  assert.equal(byId.ruleSet.domainRules[0].expr, 'message.quantity > 0')
  assert.equal(byId.ruleSet.domainRules[0].mode, 'WRITE')

  const latest = await client().getLatestSchemaMetadata(subject)
  assert.equal(latest.metadata.properties.owner, 'team-a')
  assert.equal(latest.metadata.properties['registry.state'], 'ACTIVE')
  // What a client read, registered again, is the same version.
  assert.equal(await client().register(subject, { schemaType: latest.schemaType, schema: latest.schema, metadata: latest.metadata, ruleSet: latest.ruleSet }), id)

  const other = await client().register(subject, { ...info, metadata: { properties: { owner: 'team-b', major: '1' } } })
  assert.notEqual(other, id)
  assert.deepEqual(await client().getAllVersions(subject), [1, 2])
})

test('getLatestWithMetadata finds the newest version with the properties, and a serializer can pin it', async () => {
  const name = topic('pinned')
  const subject = `${name}-value`
  const registry = client()
  const v1 = await registry.register(subject, { ...json(order), metadata: { properties: { major: '1' } } })
  const withNote = { ...order, properties: { ...order.properties, note: { type: 'string' } } }
  const v2 = await registry.register(subject, { ...json(withNote), metadata: { properties: { major: '2' } } })

  assert.equal((await client().getLatestWithMetadata(subject, { major: '1' })).id, v1)
  assert.equal((await client().getLatestWithMetadata(subject, { major: '2' })).version, 2)
  await assert.rejects(client().getLatestWithMetadata(subject, { major: '3' }),
    (error) => error instanceof RestError && error.status === 404 && error.errorCode === 40403)

  const serializer = new JsonSerializer(client(), SerdeType.VALUE, { useLatestWithMetadata: { major: '1' }, validate: true })
  const bytes = await serializer.serialize(name, { id: 'p-1', quantity: 1 })
  assert.equal(bytes.readInt32BE(1), v1)
  assert.notEqual(v1, v2)
})

test('config round trip: normalize and the other contract settings are kept, and normalize applies at registration', async () => {
  const subject = `${topic('normalized')}-value`
  const registry = client()
  const updated = await registry.updateConfig(subject, {
    compatibility: 'BACKWARD', normalize: true, compatibilityGroup: 'major',
    defaultMetadata: { properties: { owner: 'platform' } },
  })
  assert.equal(updated.normalize, true)
  const config = await client().getConfig(subject)
  assert.equal(config.compatibilityLevel, 'BACKWARD')
  assert.equal(config.normalize, true)
  assert.equal(config.compatibilityGroup, 'major')
  assert.deepEqual(config.defaultMetadata, { properties: { owner: 'platform' } })

  const id = await registry.register(subject, { schemaType: 'JSON', schema: '{ "type": "object", "title": "N" }' })
  const stored = await client().getLatestSchemaMetadata(subject)
  assert.equal(stored.id, id)
  assert.equal(stored.schema, '{"title":"N","type":"object"}')
  assert.equal(stored.metadata.properties.owner, 'platform')
})

test('a JSON serializer runs the CEL rule of the latest version: a good message passes, a bad one fails', async () => {
  const name = topic('cel')
  const subject = `${name}-value`
  const ruleSet = {
    domainRules: [{ name: 'quantityPositive', kind: 'CONDITION', mode: RuleMode.WRITE, type: 'CEL', expr: 'message.quantity > 0' }],
  }
  const id = await client().register(subject, { ...json(order), ruleSet })

  const serializer = new JsonSerializer(client(), SerdeType.VALUE, { useLatestVersion: true })
  const good = await serializer.serialize(name, { id: 'c-1', quantity: 3 })
  assert.equal(good.readInt32BE(1), id)
  await assert.rejects(serializer.serialize(name, { id: 'c-2', quantity: 0 }), SerializationError)
  assert.deepEqual(await new JsonDeserializer(client(), SerdeType.VALUE, {}).deserialize(name, good), { id: 'c-1', quantity: 3 })
})

