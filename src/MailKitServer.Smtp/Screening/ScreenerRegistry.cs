using MailKitServer.Runtime;

namespace MailKitServer.Smtp.Screening;

/// <summary>
/// The screeners of one server (kept in <see cref="MailServerContext.Shared{T}"/>), one per options instance: listeners
/// given the same <see cref="ScreeningOptions"/> share caches, greylist and counters.
/// </summary>
internal sealed class ScreenerRegistry
{
    private readonly Dictionary<ScreeningOptions, Screener> _screeners = new(ReferenceEqualityComparer.Instance);

    public Screener For(ScreeningOptions options, MailServerContext context)
    {
        lock (_screeners)
        {
            if (!_screeners.TryGetValue(options, out var screener))
            {
                screener = new Screener(options, context);
                _screeners.Add(options, screener);
            }

            return screener;
        }
    }
}
