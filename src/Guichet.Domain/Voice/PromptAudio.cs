using System.Buffers.Binary;

namespace Guichet.Domain.Voice;

/// <summary>What became of an uploaded recording: the sound at 8 kHz, or why it was refused (French, for the page).</summary>
public abstract record PromptAudioResult
{
    public sealed record Accepted(short[] Samples) : PromptAudioResult
    {
        public double Seconds => Samples.Length / (double)PromptAudio.Rate;
    }
    public sealed record Refused(string Message) : PromptAudioResult;
}

/// <summary>
/// Turns an administrator's recording (a WAV file, 16-bit PCM, mono or stereo, 8 to 48 kHz) into what telephone
/// lines play: 8 kHz mono, then G.711 A-law (French and European trunks) and µ-law, and a 16-bit WAV for the doors
/// that fetch a URL. Written here rather than by calling sox so that a recording can be replaced on any server,
/// tools installed or not.
/// </summary>
public static class PromptAudio
{
    public const int Rate = 8000;
    public const int MaxSeconds = 120;
    public const int MinRate = 8000;
    public const int MaxRate = 48000;

    public static PromptAudioResult Read(ReadOnlySpan<byte> file)
    {
        if (file.Length < 12 || !file[..4].SequenceEqual("RIFF"u8) || !file.Slice(8, 4).SequenceEqual("WAVE"u8))
            return new PromptAudioResult.Refused("Ce fichier n'est pas un enregistrement WAV. Exportez-le au format WAV (PCM 16 bits).");
        int channels = 0, rate = 0, bits = 0;
        var format = -1;
        ReadOnlySpan<byte> data = default;
        var found = false;
        for (var at = 12; at + 8 <= file.Length;)
        {
            var id = file.Slice(at, 4);
            var size = BinaryPrimitives.ReadUInt32LittleEndian(file.Slice(at + 4, 4));
            var body = at + 8;
            if (size > (uint)(file.Length - body)) size = (uint)(file.Length - body);   // a truncated last chunk: take what is there
            if (id.SequenceEqual("fmt "u8) && size >= 16)
            {
                format = BinaryPrimitives.ReadUInt16LittleEndian(file.Slice(body, 2));
                channels = BinaryPrimitives.ReadUInt16LittleEndian(file.Slice(body + 2, 2));
                rate = (int)Math.Min(int.MaxValue, BinaryPrimitives.ReadUInt32LittleEndian(file.Slice(body + 4, 4)));
                bits = BinaryPrimitives.ReadUInt16LittleEndian(file.Slice(body + 14, 2));
                // WAVE_FORMAT_EXTENSIBLE: the real format is the first two bytes of the sub-format GUID.
                if (format == 0xFFFE && size >= 26) format = BinaryPrimitives.ReadUInt16LittleEndian(file.Slice(body + 24, 2));
            }
            else if (id.SequenceEqual("data"u8))
            {
                data = file.Slice(body, (int)size);
                found = true;
            }
            at = body + (int)size + (int)(size & 1);   // chunks are padded to an even length
        }
        if (format == -1 || !found) return new PromptAudioResult.Refused("Ce fichier WAV est incomplet (format ou son manquant).");
        if (format != 1 || bits != 16)
            return new PromptAudioResult.Refused("Seuls les fichiers WAV en PCM 16 bits sont acceptés : exportez l'enregistrement en « WAV 16 bits ».");
        if (channels is < 1 or > 2) return new PromptAudioResult.Refused("L'enregistrement doit être en mono ou en stéréo.");
        if (rate is < MinRate or > MaxRate) return new PromptAudioResult.Refused("La fréquence d'échantillonnage doit être comprise entre 8 000 et 48 000 Hz.");
        var frames = data.Length / (2 * channels);
        if (frames == 0) return new PromptAudioResult.Refused("Cet enregistrement est vide.");
        if (frames / (double)rate > MaxSeconds) return new PromptAudioResult.Refused($"Un message ne peut pas dépasser {MaxSeconds / 60} minutes.");
        var mono = new double[frames];
        for (var i = 0; i < frames; i++)
        {
            double sum = 0;
            for (var c = 0; c < channels; c++) sum += BinaryPrimitives.ReadInt16LittleEndian(data.Slice((i * channels + c) * 2, 2));
            mono[i] = sum / channels;
        }
        return new PromptAudioResult.Accepted(Resample(mono, rate));
    }

    /// <summary>
    /// To 8 kHz: each output sample is the mean of the input over its own 1/8000 s (a box filter, enough to keep
    /// what is above the telephone band from folding back into it), read at the right fractional position.
    /// </summary>
    private static short[] Resample(double[] input, int rate)
    {
        if (rate == Rate) return input.Select(Clamp).ToArray();
        var step = rate / (double)Rate;
        var count = (int)(input.Length / step);
        var output = new short[count];
        for (var i = 0; i < count; i++)
        {
            var from = i * step;
            var to = Math.Min(input.Length, from + step);
            double sum = 0, weight = 0;
            for (var k = (int)from; k < to; k++)
            {
                var w = Math.Min(k + 1, to) - Math.Max(k, from);   // the part of input sample k inside [from, to)
                sum += input[k] * w;
                weight += w;
            }
            output[i] = Clamp(weight > 0 ? sum / weight : 0);
        }
        return output;
    }

    private static short Clamp(double v) => (short)Math.Clamp(Math.Round(v), short.MinValue, short.MaxValue);

    // ---- G.711 (ITU-T) ----------------------------------------------------------------------------------------

    public static byte[] ALaw(short[] samples) => samples.Select(ToALaw).ToArray();
    public static byte[] MuLaw(short[] samples) => samples.Select(ToMuLaw).ToArray();

    /// <summary>A-law: 13-bit magnitude in 8 segments; even bits inverted on the line (the 0x55 mask).</summary>
    public static byte ToALaw(short sample)
    {
        int value = sample >> 3;
        int mask;
        if (value >= 0) mask = 0xD5;
        else { mask = 0x55; value = -value - 1; }
        var segment = Segment(value, 0x1F);
        if (segment >= 8) return (byte)(0x7F ^ mask);
        var code = segment << 4;
        code |= segment < 2 ? (value >> 1) & 0x0F : (value >> segment) & 0x0F;
        return (byte)(code ^ mask);
    }

    public static short FromALaw(byte code)
    {
        code ^= 0x55;
        var mantissa = (code & 0x0F) << 4;
        var segment = (code & 0x70) >> 4;
        var value = segment switch
        {
            0 => mantissa + 8,
            1 => mantissa + 0x108,
            _ => (mantissa + 0x108) << (segment - 1),
        };
        return (short)((code & 0x80) != 0 ? value : -value);
    }

    /// <summary>µ-law: 14-bit magnitude plus a bias of 33, in 8 segments; all bits inverted on the line.</summary>
    public static byte ToMuLaw(short sample)
    {
        const int bias = 0x84 >> 2, clip = 8159;
        int value = sample >> 2;
        int mask;
        if (value < 0) { value = -value; mask = 0x7F; }
        else mask = 0xFF;
        if (value > clip) value = clip;
        value += bias;
        var segment = Segment(value, 0x3F);
        if (segment >= 8) return (byte)(0x7F ^ mask);
        var code = (segment << 4) | ((value >> (segment + 1)) & 0x0F);
        return (byte)(code ^ mask);
    }

    public static short FromMuLaw(byte code)
    {
        code = (byte)~code;
        var value = (((code & 0x0F) << 3) + 0x84) << ((code & 0x70) >> 4);
        return (short)((code & 0x80) != 0 ? 0x84 - value : value - 0x84);
    }

    /// <summary>The segment of a magnitude: segment s ends at (first + 1) · 2^s − 1.</summary>
    private static int Segment(int value, int first)
    {
        var end = first;
        for (var s = 0; s < 8; s++, end = end * 2 + 1)
            if (value <= end) return s;
        return 8;
    }

    /// <summary>A 16-bit mono PCM WAV file of 8 kHz samples.</summary>
    public static byte[] Wav(short[] samples)
    {
        var bytes = new byte[44 + samples.Length * 2];
        var span = bytes.AsSpan();
        "RIFF"u8.CopyTo(span);
        BinaryPrimitives.WriteUInt32LittleEndian(span[4..], (uint)(36 + samples.Length * 2));
        "WAVEfmt "u8.CopyTo(span[8..]);
        BinaryPrimitives.WriteUInt32LittleEndian(span[16..], 16);
        BinaryPrimitives.WriteUInt16LittleEndian(span[20..], 1);          // PCM
        BinaryPrimitives.WriteUInt16LittleEndian(span[22..], 1);          // mono
        BinaryPrimitives.WriteUInt32LittleEndian(span[24..], Rate);
        BinaryPrimitives.WriteUInt32LittleEndian(span[28..], Rate * 2);   // bytes per second
        BinaryPrimitives.WriteUInt16LittleEndian(span[32..], 2);          // bytes per frame
        BinaryPrimitives.WriteUInt16LittleEndian(span[34..], 16);
        "data"u8.CopyTo(span[36..]);
        BinaryPrimitives.WriteUInt32LittleEndian(span[40..], (uint)(samples.Length * 2));
        for (var i = 0; i < samples.Length; i++) BinaryPrimitives.WriteInt16LittleEndian(span[(44 + i * 2)..], samples[i]);
        return bytes;
    }
}
