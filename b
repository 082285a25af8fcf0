Error: argument "99999999999" is wrong: Invalid "vf" value

