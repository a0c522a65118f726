using System.Buffers;
using Registry.Testing;

namespace Registry.Protocol.Tests;

/// <summary>
/// The seed corpus of the protocol fuzz target (fuzz/corpus/protocol, scripts/fuzz.sh) holds a frame of every message
/// of the catalogue, so the fuzzer starts from every body shape. A seed is a selector byte (below 0x80 for a request;
/// 0x80 | opcode for a response to that opcode) followed by the frame. With REGISTRY_FUZZ_WRITE_SEEDS=1 the test
/// writes the missing seeds instead of failing.
/// </summary>
public sealed class FuzzCorpusTests
{
    private static string SeedFolder => Path.Combine(RepositoryPaths.Root, "fuzz", "corpus", "protocol");

    internal static byte[] Seed(MessageCase message)
    {
        var selector = message.IsRequest ? (byte)0 : (byte)(0x80 | (int)Decoders.OpcodeOf(message));
        return [selector, .. message.Frame];
    }

    private static string FileName(MessageCase message) =>
        "catalog-" + string.Concat(message.Name.Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-')) + ".bin";

    [Fact]
    public void Every_catalogue_message_is_a_seed_of_the_protocol_fuzz_target_and_decodes()
    {
        var write = Environment.GetEnvironmentVariable("REGISTRY_FUZZ_WRITE_SEEDS") == "1";
        var missing = new List<string>();
        foreach (var message in MessageCatalog.All)
        {
            var path = Path.Combine(SeedFolder, FileName(message));
            var seed = Seed(message);
            if (write)
            {
                Directory.CreateDirectory(SeedFolder);
                File.WriteAllBytes(path, seed);
            }

            if (!File.Exists(path) || !File.ReadAllBytes(path).AsSpan().SequenceEqual(seed))
            {
                missing.Add(FileName(message));
            }

            // The seed is what the decoders accept: the fuzzer mutates valid messages, not noise.
            var payload = new ReadOnlySequence<byte>(seed.AsMemory(1 + Framing.Frame.HeaderLength));
            if (message.IsRequest)
            {
                Decoders.DecodeRequest(payload);
            }
            else
            {
                Decoders.DecodeResponse(payload, Decoders.OpcodeOf(message));
            }
        }

        Assert.True(missing.Count == 0, $"seeds missing or stale (rerun with REGISTRY_FUZZ_WRITE_SEEDS=1): {string.Join(", ", missing)}");
    }
}
