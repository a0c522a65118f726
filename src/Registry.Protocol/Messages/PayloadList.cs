using System.Buffers;
using Registry.Protocol.Wire;

namespace Registry.Protocol.Messages;

/// <summary>An element of a <see cref="PayloadList{T}"/>: reads itself from a payload.</summary>
/// <typeparam name="TSelf">The element type, usually a ref struct view over the payload.</typeparam>
public interface IPayloadElement<TSelf>
    where TSelf : IPayloadElement<TSelf>, allows ref struct
{
    /// <summary>Reads one element, refusing it with <see cref="ProtocolException"/> when it breaks a rule.</summary>
    static abstract TSelf Read(scoped ref ProtocolReader reader);
}

/// <summary>
/// A list inside a payload, read without allocating: the whole list is checked once when the message is read
/// (so enumerating it cannot fail), and each element is decoded again, as a view, when enumerated. Like every view
/// it is valid only while the payload's buffer is.
/// </summary>
/// <typeparam name="T">The element view.</typeparam>
public readonly ref struct PayloadList<T>
    where T : IPayloadElement<T>, allows ref struct
{
    private readonly ReadOnlySequence<byte> _elements;

    private PayloadList(ReadOnlySequence<byte> elements, int count)
    {
        _elements = elements;
        Count = count;
    }

    /// <summary>Number of elements.</summary>
    public int Count { get; }

    /// <summary>The elements' encoded bytes, e.g. to copy the list elsewhere as is.</summary>
    public ReadOnlySequence<byte> Encoded => _elements;

    /// <summary>Enumerates the elements.</summary>
    public Enumerator GetEnumerator() => new(_elements, Count);

    /// <summary>Reads and checks a list of at most <paramref name="maxCount"/> elements of at least <paramref name="minElementBytes"/> bytes each.</summary>
    internal static PayloadList<T> Read(scoped ref ProtocolReader reader, string field, int maxCount, int minElementBytes)
    {
        var count = reader.ReadArrayHeader(field, maxCount, minElementBytes);
        var start = reader.Position;
        for (var i = 0; i < count; i++)
        {
            T.Read(ref reader);
        }

        return new PayloadList<T>(reader.SliceFrom(start), count);
    }

    /// <summary>Enumerator over the element views.</summary>
    public ref struct Enumerator
    {
        private ProtocolReader _reader;
        private int _remaining;
        private T _current;

        internal Enumerator(ReadOnlySequence<byte> elements, int count)
        {
            _reader = new ProtocolReader(elements);
            _remaining = count;
            _current = default!;
        }

        /// <summary>The current element.</summary>
        public readonly T Current => _current;

        /// <summary>Moves to the next element.</summary>
        public bool MoveNext()
        {
            if (_remaining == 0)
            {
                return false;
            }

            _remaining--;

            // Checked when the list was read: the same bytes, read the same way, cannot fail now.
            _current = T.Read(ref _reader);
            return true;
        }
    }
}
