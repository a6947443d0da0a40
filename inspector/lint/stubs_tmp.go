package lint

func lintApache(r *Result, name string, src []byte, opts *Options) error { return nil }
func lintCaddy(r *Result, name string, src []byte, opts *Options) error  { return nil }
