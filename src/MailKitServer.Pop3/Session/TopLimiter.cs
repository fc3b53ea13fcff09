namespace MailKitServer.Pop3.Session;

/// <summary>Finds where TOP's output ends: the header, the blank line, and the first N body lines (RFC 1939 §7).</summary>
internal struct TopLimiter(int bodyLines)
{
    private readonly bool _unlimited = bodyLines < 0;
    private bool _inBody;
    private bool _atLineStart = true;
    private int _linesLeft = bodyLines;

    /// <summary>How much of a block to send, and whether the output is complete after it.</summary>
    public (int Take, bool Done) Take(ReadOnlySpan<byte> block)
    {
        if (_unlimited)
        {
            return (block.Length, false);
        }

        for (var i = 0; i < block.Length; i++)
        {
            var b = block[i];
            if (!_inBody)
            {
                if (b == (byte)'\n')
                {
                    if (_atLineStart)
                    {
                        _inBody = true;
                        if (_linesLeft == 0)
                        {
                            return (i + 1, true);
                        }
                    }

                    _atLineStart = true;
                }
                else if (b != (byte)'\r')
                {
                    _atLineStart = false;
                }
            }
            else if (b == (byte)'\n' && --_linesLeft == 0)
            {
                return (i + 1, true);
            }
        }

        return (block.Length, false);
    }
}
