// The core Confluent flow from JavaScript, with @kafkajs/confluent-schema-registry against the registry at
// REGISTRY_URL: register -> getLatestSchemaId -> encode -> decode in a fresh client, plus lookups, references,
// compatibility and the refusals a client must see. Run by run.sh (node's built-in test runner).
'use strict'
const { test } = require('node:test')
const assert = require('node:assert/strict')
const { SchemaRegistry, SchemaType, COMPATIBILITY } = require('@kafkajs/confluent-schema-registry')

const host = process.env.REGISTRY_URL
if (!host) throw new Error('REGISTRY_URL is not set')
const unique = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`
const subject = (name) => `js-${name}-${unique}`
const registry = () => new SchemaRegistry({ host, clientId: 'registry-js-tests' })

const order = JSON.stringify({
  $schema: 'http://json-schema.org/draft-07/schema#',
  type: 'object',
  properties: { id: { type: 'string' }, quantity: { type: 'integer', minimum: 1 } },
  required: ['id'],
  additionalProperties: false,
})

test('register, getLatestSchemaId, encode, and decode in a fresh client', async () => {
  const name = subject('orders-value')
  const producer = registry()
  // GET /config/{subject} (404: first registration) -> POST /subjects/{subject}/versions -> PUT /config/{subject}
  const { id } = await producer.register({ type: SchemaType.JSON, schema: order }, { subject: name })
  assert.ok(Number.isInteger(id) && id > 0, `id ${id}`)
  assert.equal(await producer.getLatestSchemaId(name), id)

  const payload = { id: 'o-1', quantity: 2 }
  const buffer = await producer.encode(id, payload)
  assert.equal(buffer[0], 0, 'magic byte')
  assert.equal(buffer.readInt32BE(1), id, 'schema id in the header')

  // GET /schemas/ids/{id}: the fresh client must learn the type (JSON) and the schema from the server.
  const consumer = registry()
  assert.deepEqual(await consumer.decode(buffer), payload)
  const schema = await consumer.getSchema(id)
  assert.ok(schema, 'getSchema returns the schema')
})

test('registering again reads the subject config under compatibilityLevel and returns the same id', async () => {
  const name = subject('again-value')
  const first = await registry().register({ type: SchemaType.JSON, schema: order }, { subject: name })
  // The second register sees {"compatibilityLevel":"BACKWARD"} from GET /config/{subject} and must agree with it.
  const pretty = JSON.stringify(JSON.parse(order), null, 2)
  const second = await registry().register({ type: SchemaType.JSON, schema: pretty }, { subject: name })
  assert.equal(second.id, first.id)
  assert.equal(await registry().getRegistryId(name, 1), first.id)
  assert.equal(await registry().getRegistryId(name, 'latest'), first.id)
  assert.equal(await registry().getRegistryIdBySchema(name, { type: SchemaType.JSON, schema: order }), first.id)

  // A subject configured with another level is refused by the client before it registers anything.
  await assert.rejects(
    registry().register({ type: SchemaType.JSON, schema: order }, { subject: name, compatibility: COMPATIBILITY.FULL }),
    /compatibility/i,
  )
})

test('payloads that break the schema are refused on encode and on decode', async () => {
  const name = subject('strict-value')
  const client = registry()
  const { id } = await client.register({ type: SchemaType.JSON, schema: order }, { subject: name })
  await assert.rejects(client.encode(id, { id: 'o-2', quantity: 0 }), /invalid payload|validation/i)

  const forged = Buffer.concat([Buffer.from([0, 0, 0, 0, 0]), Buffer.from(JSON.stringify({ quantity: 'many' }))])
  forged.writeInt32BE(id, 1)
  await assert.rejects(registry().decode(forged), /invalid payload|validation/i)
})

test('references resolve through the server on register and on decode', async () => {
  const addressName = subject('address-value')
  const customerName = subject('customer-value')
  const address = JSON.stringify({
    $id: 'https://example.com/schemas/address.json',
    type: 'object',
    properties: { street: { type: 'string' } },
    required: ['street'],
  })
  const customer = JSON.stringify({
    type: 'object',
    properties: { name: { type: 'string' }, address: { $ref: 'https://example.com/schemas/address.json' } },
    required: ['name', 'address'],
  })
  const client = registry()
  await client.register({ type: SchemaType.JSON, schema: address }, { subject: addressName })
  const references = [{ name: 'https://example.com/schemas/address.json', subject: addressName, version: 1 }]
  const { id } = await client.register({ type: SchemaType.JSON, schema: customer, references }, { subject: customerName })

  const payload = { name: 'Ada', address: { street: 'Main St' } }
  const buffer = await client.encode(id, payload)
  assert.deepEqual(await registry().decode(buffer), payload)
  await assert.rejects(client.encode(id, { name: 'Ada', address: {} }), /invalid payload|validation/i)
})

test('compatibility checks and incompatible registrations', async () => {
  const name = subject('evolving-value')
  const client = registry()
  await client.register({ type: SchemaType.JSON, schema: order }, { subject: name })
  const withNote = JSON.parse(order)
  withNote.properties.note = { type: 'string' }
  const numericId = JSON.parse(order)
  numericId.properties.id = { type: 'integer' }

  const compatible = await client.api.Subject.compatible({ subject: name, version: 'latest', body: { schemaType: 'JSON', schema: JSON.stringify(withNote) } })
  assert.equal(compatible.data().is_compatible, true)
  const incompatible = await client.api.Subject.compatible({ subject: name, version: 'latest', body: { schemaType: 'JSON', schema: JSON.stringify(numericId) } })
  assert.equal(incompatible.data().is_compatible, false)

  const second = await client.register({ type: SchemaType.JSON, schema: JSON.stringify(withNote) }, { subject: name })
  assert.equal(await client.getLatestSchemaId(name), second.id)
  await assert.rejects(
    client.register({ type: SchemaType.JSON, schema: JSON.stringify(numericId) }, { subject: name }),
    (error) => error.status === 409 && /incompatible/i.test(error.message),
  )
})

test('AVRO is refused with 422 and unknown subjects and ids with 404', async () => {
  const avro = { type: 'record', name: 'Order', namespace: 'test', fields: [{ name: 'id', type: 'string' }] }
  await assert.rejects(
    registry().register({ type: SchemaType.AVRO, schema: JSON.stringify(avro) }, { subject: subject('avro-value') }),
    (error) => error.status === 422 && /not supported yet/.test(error.message),
  )
  await assert.rejects(registry().getLatestSchemaId(subject('nobody-value')), (error) => error.status === 404)
  const forged = Buffer.from([0, 0x7f, 0xff, 0xff, 0xf0, 0x7b, 0x7d])
  await assert.rejects(registry().decode(forged), (error) => error.status === 404)
})
