namespace MailKitServer.Dns;

/// <summary>How a lookup ended; the three failures mean different things to mail routing.</summary>
public enum DnsStatus
{
    /// <summary>At least one record was found.</summary>
    Success,

    /// <summary>The name does not exist (NXDOMAIN): a permanent failure.</summary>
    NameNotFound,

    /// <summary>The name exists but has no record of the type asked (NODATA); for MX this means "use the A/AAAA records".</summary>
    NoRecords,

    /// <summary>No answer could be had now (time-out, SERVFAIL): try again later.</summary>
    TemporaryFailure,
}
