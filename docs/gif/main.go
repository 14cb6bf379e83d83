// Command gif joins the README's screen stills into one animated
// walk-through. docs/make-pictures.sh runs it; it is not part of hootwire.
package main

import (
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/color/palette"
	"image/draw"
	"image/gif"
	"image/png"
	"os"
)

func main() {
	out := flag.String("o", "walkthrough.gif", "the animated GIF to write")
	delay := flag.Int("delay", 180, "how long each frame shows, in hundredths of a second")
	shrink := flag.Bool("shrink", false, "halve every frame, and rewrite the PNGs at half size too")
	flag.Parse()
	if flag.NArg() == 0 {
		fmt.Fprintln(os.Stderr, "usage: gif -o out.gif frame1.png frame2.png ...")
		os.Exit(2)
	}
	if err := run(*out, *delay, *shrink, flag.Args()); err != nil {
		fmt.Fprintln(os.Stderr, "gif:", err)
		os.Exit(1)
	}
}

func run(out string, delay int, shrink bool, frames []string) error {
	anim := &gif.GIF{}
	for _, path := range frames {
		img, err := readPNG(path)
		if err != nil {
			return err
		}
		if shrink {
			img = half(img)
			if err := writePNG(path, img); err != nil {
				return err
			}
		}
		// Frames may differ by a pixel or two; draw all on the first one's size.
		bounds := img.Bounds()
		if len(anim.Image) > 0 {
			bounds = anim.Image[0].Bounds()
		}
		p := image.NewPaletted(bounds, palette.Plan9)
		draw.FloydSteinberg.Draw(p, bounds, img, img.Bounds().Min)
		anim.Image = append(anim.Image, p)
		anim.Delay = append(anim.Delay, delay)
	}
	f, err := os.Create(out)
	if err != nil {
		return err
	}
	if err := gif.EncodeAll(f, anim); err != nil {
		f.Close()
		return fmt.Errorf("encode %s: %w", out, err)
	}
	return f.Close()
}

func readPNG(path string) (image.Image, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		return nil, fmt.Errorf("decode %s: %w", path, err)
	}
	return img, nil
}

// half averages each 2x2 block of pixels: freeze renders at a scale meant
// for print, far larger than a README needs.
func half(src image.Image) image.Image {
	b := src.Bounds()
	dst := image.NewRGBA(image.Rect(0, 0, b.Dx()/2, b.Dy()/2))
	for y := 0; y < b.Dy()/2; y++ {
		for x := 0; x < b.Dx()/2; x++ {
			var r, g, bl, a uint32
			for dy := 0; dy < 2; dy++ {
				for dx := 0; dx < 2; dx++ {
					cr, cg, cb, ca := src.At(b.Min.X+2*x+dx, b.Min.Y+2*y+dy).RGBA()
					r, g, bl, a = r+cr, g+cg, bl+cb, a+ca
				}
			}
			dst.Set(x, y, color.RGBA64{uint16(r / 4), uint16(g / 4), uint16(bl / 4), uint16(a / 4)})
		}
	}
	return dst
}

func writePNG(path string, img image.Image) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := png.Encode(f, img); err != nil {
		f.Close()
		return fmt.Errorf("encode %s: %w", path, err)
	}
	return f.Close()
}
