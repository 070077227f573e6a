namespace Pinhole.Media;

/// <summary>
/// The uploaded file cannot be accepted. <see cref="Exception.Message"/> is a short reason meant for the person
/// who uploaded it ("the file is empty", "the JPEG image is damaged or truncated"); technical detail, when
/// there is any, is in <see cref="Exception.InnerException"/> for the logs.
/// </summary>
public sealed class MediaRejectedException : Exception
{
    public MediaRejectedException()
        : this("the file was rejected")
    {
    }

    public MediaRejectedException(string message)
        : base(message)
    {
    }

    public MediaRejectedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
