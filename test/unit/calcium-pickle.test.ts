/**
 * The data-only pickle reader: the same Python object pickled by CPython with protocols 0, 2, 3, 4
 * and 5 (numpy arrays in C and Fortran order, big-endian, bool, object and string arrays, numpy
 * scalars, datetime, sets, OrderedDict, tuple keys, big ints, NaN) reads to the same JS values;
 * numpy 2 module names are understood; a pickle that would run code reads as an inert record; and
 * what the reader refuses or cannot parse is a FormatError.
 */
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FormatError } from '../../main/errors.js';
import { PyDtype, PyGlobal, PyNdArray, PyObject, pyItems, pyNumber, pyNumbers, readPickle, type PyValue } from '../../main/io/calcium/pickle.js';
import { formatErrorOf } from '../helpers/format-error.js';

/*
 * Generated with CPython 3.11 and numpy 1.24:
 *   obj = {'int': 7, 'neg': -300, 'big': 2**70, 'float': 1.5, 'nan': float('nan'), 'none': None, 't': True,
 *          'str': 'héllo', 'bytes': b'\x00\x01\xff', 'list': [1, [2, 3], (4, 5)], 'set': {1, 2},
 *          'od': OrderedDict([('a', 1)]), (1, 2): 'tuplekey', 'when': datetime(2021, 7, 26, 17, 6, 43),
 *          'f8F': np.asfortranarray(np.arange(6, dtype='<f8').reshape(2, 3)), 'i8be': np.array([1, -2, 3], dtype='>i8'),
 *          'b1': np.array([True, False]), 'sc_f4': np.float32(0.25), 'sc_i8': np.int64(-9),
 *          'objarr': np.array([{'med': [1, 2]}, None], dtype=object), 'str_arr': np.array(['ab', 'c'])}
 *   base64.b64encode(pickle.dumps(obj, protocol=p))
 * Protocol 5 writes the arrays as numpy.core.numeric._frombuffer of an in-band BYTEARRAY8.
 */
const PICKLES: Record<number, string> = {
  0:
    'KGRwMApWaW50CnAxCkk3CnNWbmVnCnAyCkktMzAwCnNWYmlnCnAzCkwxMTgwNTkxNjIwNzE3NDExMzAzNDI0TApzVmZsb2F0CnA0' +
    'CkYxLjUKc1ZuYW4KcDUKRm5hbgpzVm5vbmUKcDYKTnNWdApwNwpJMDEKc1ZzdHIKcDgKVmjpbGxvCnA5CnNWYnl0ZXMKcDEwCmNf' +
    'Y29kZWNzCmVuY29kZQpwMTEKKFZcdTAwMDAB/wpwMTIKVmxhdGluMQpwMTMKdHAxNApScDE1CnNWbGlzdApwMTYKKGxwMTcKSTEK' +
    'YShscDE4CkkyCmFJMwphYShJNApJNQp0cDE5CmFzVnNldApwMjAKY19fYnVpbHRpbl9fCnNldApwMjEKKChscDIyCkkxCmFJMgph' +
    'dHAyMwpScDI0CnNWb2QKcDI1CmNjb2xsZWN0aW9ucwpPcmRlcmVkRGljdApwMjYKKHRScDI3ClZhCnAyOApJMQpzcyhJMQpJMgp0' +
    'cDI5ClZ0dXBsZWtleQpwMzAKc1Z3aGVuCnAzMQpjZGF0ZXRpbWUKZGF0ZXRpbWUKcDMyCihnMTEKKFYH5QdcdTAwMWERBitcdTAw' +
    'MDBcdTAwMDBcdTAwMDAKcDMzCmcxMwp0cDM0ClJwMzUKdHAzNgpScDM3CnNWZjhGCnAzOApjbnVtcHkuY29yZS5tdWx0aWFycmF5' +
    'Cl9yZWNvbnN0cnVjdApwMzkKKGNudW1weQpuZGFycmF5CnA0MAooSTAKdHA0MQpnMTEKKFZiCnA0MgpnMTMKdHA0MwpScDQ0CnRw' +
    'NDUKUnA0NgooSTEKKEkyCkkzCnRwNDcKY251bXB5CmR0eXBlCnA0OAooVmY4CnA0OQpJMDAKSTAxCnRwNTAKUnA1MQooSTMKVjwK' +
    'cDUyCk5OTkktMQpJLTEKSTAKdHA1MwpiSTAxCmcxMQooVlx1MDAwMFx1MDAwMFx1MDAwMFx1MDAwMFx1MDAwMFx1MDAwMFx1MDAw' +
    'MFx1MDAwMFx1MDAwMFx1MDAwMFx1MDAwMFx1MDAwMFx1MDAwMFx1MDAwMAhAXHUwMDAwXHUwMDAwXHUwMDAwXHUwMDAwXHUwMDAw' +
    'XHUwMDAw8D9cdTAwMDBcdTAwMDBcdTAwMDBcdTAwMDBcdTAwMDBcdTAwMDAQQFx1MDAwMFx1MDAwMFx1MDAwMFx1MDAwMFx1MDAw' +
    'MFx1MDAwMFx1MDAwMEBcdTAwMDBcdTAwMDBcdTAwMDBcdTAwMDBcdTAwMDBcdTAwMDAUQApwNTQKZzEzCnRwNTUKUnA1Ngp0cDU3' +
    'CmJzVmk4YmUKcDU4CmczOQooZzQwCihJMAp0cDU5Cmc0NAp0cDYwClJwNjEKKEkxCihJMwp0cDYyCmc0OAooVmk4CnA2MwpJMDAK' +
    'STAxCnRwNjQKUnA2NQooSTMKVj4KcDY2Ck5OTkktMQpJLTEKSTAKdHA2NwpiSTAwCmcxMQooVlx1MDAwMFx1MDAwMFx1MDAwMFx1' +
    'MDAwMFx1MDAwMFx1MDAwMFx1MDAwMAH//////////lx1MDAwMFx1MDAwMFx1MDAwMFx1MDAwMFx1MDAwMFx1MDAwMFx1MDAwMAMK' +
    'cDY4CmcxMwp0cDY5ClJwNzAKdHA3MQpic1ZiMQpwNzIKZzM5CihnNDAKKEkwCnRwNzMKZzQ0CnRwNzQKUnA3NQooSTEKKEkyCnRw' +
    'NzYKZzQ4CihWYjEKcDc3CkkwMApJMDEKdHA3OApScDc5CihJMwpWfApwODAKTk5OSS0xCkktMQpJMAp0cDgxCmJJMDAKZzExCihW' +
    'AVx1MDAwMApwODIKZzEzCnRwODMKUnA4NAp0cDg1CmJzVnNjX2Y0CnA4NgpjbnVtcHkuY29yZS5tdWx0aWFycmF5CnNjYWxhcgpw' +
    'ODcKKGc0OAooVmY0CnA4OApJMDAKSTAxCnRwODkKUnA5MAooSTMKZzUyCk5OTkktMQpJLTEKSTAKdHA5MQpiZzExCihWXHUwMDAw' +
    'XHUwMDAwgD4KcDkyCmcxMwp0cDkzClJwOTQKdHA5NQpScDk2CnNWc2NfaTgKcDk3Cmc4NwooZzQ4CihWaTgKcDk4CkkwMApJMDEK' +
    'dHA5OQpScDEwMAooSTMKZzUyCk5OTkktMQpJLTEKSTAKdHAxMDEKYmcxMQooVvf/////////CnAxMDIKZzEzCnRwMTAzClJwMTA0' +
    'CnRwMTA1ClJwMTA2CnNWb2JqYXJyCnAxMDcKZzM5CihnNDAKKEkwCnRwMTA4Cmc0NAp0cDEwOQpScDExMAooSTEKKEkyCnRwMTEx' +
    'Cmc0OAooVk84CnAxMTIKSTAwCkkwMQp0cDExMwpScDExNAooSTMKZzgwCk5OTkktMQpJLTEKSTYzCnRwMTE1CmJJMDAKKGxwMTE2' +
    'CihkcDExNwpWbWVkCnAxMTgKKGxwMTE5CkkxCmFJMgphc2FOYXRwMTIwCmJzVnN0cl9hcnIKcDEyMQpnMzkKKGc0MAooSTAKdHAx' +
    'MjIKZzQ0CnRwMTIzClJwMTI0CihJMQooSTIKdHAxMjUKZzQ4CihWVTIKcDEyNgpJMDAKSTAxCnRwMTI3ClJwMTI4CihJMwpnNTIK' +
    'Tk5OSTgKSTQKSTgKdHAxMjkKYkkwMApnMTEKKFZhXHUwMDAwXHUwMDAwXHUwMDAwYlx1MDAwMFx1MDAwMFx1MDAwMGNcdTAwMDBc' +
    'dTAwMDBcdTAwMDBcdTAwMDBcdTAwMDBcdTAwMDBcdTAwMDAKcDEzMApnMTMKdHAxMzEKUnAxMzIKdHAxMzMKYnMu',
  2:
    'gAJ9cQAoWAMAAABpbnRxAUsHWAMAAABuZWdxAkrU/v//WAMAAABiaWdxA4oJAAAAAAAAAABAWAUAAABmbG9hdHEERz/4AAAAAAAA' +
    'WAMAAABuYW5xBUd/+AAAAAAAAFgEAAAAbm9uZXEGTlgBAAAAdHEHiFgDAAAAc3RycQhYBgAAAGjDqWxsb3EJWAUAAABieXRlc3EK' +
    'Y19jb2RlY3MKZW5jb2RlCnELWAQAAAAAAcO/cQxYBgAAAGxhdGluMXENhnEOUnEPWAQAAABsaXN0cRBdcREoSwFdcRIoSwJLA2VL' +
    'BEsFhnETZVgDAAAAc2V0cRRjX19idWlsdGluX18Kc2V0CnEVXXEWKEsBSwJlhXEXUnEYWAIAAABvZHEZY2NvbGxlY3Rpb25zCk9y' +
    'ZGVyZWREaWN0CnEaKVJxG1gBAAAAYXEcSwFzSwFLAoZxHVgIAAAAdHVwbGVrZXlxHlgEAAAAd2hlbnEfY2RhdGV0aW1lCmRhdGV0' +
    'aW1lCnEgaAtYCwAAAAfDpQcaEQYrAAAAcSFoDYZxIlJxI4VxJFJxJVgDAAAAZjhGcSZjbnVtcHkuY29yZS5tdWx0aWFycmF5Cl9y' +
    'ZWNvbnN0cnVjdApxJ2NudW1weQpuZGFycmF5CnEoSwCFcSloC1gBAAAAYnEqaA2GcStScSyHcS1ScS4oSwFLAksDhnEvY251bXB5' +
    'CmR0eXBlCnEwWAIAAABmOHExiYiHcTJScTMoSwNYAQAAADxxNE5OTkr/////Sv////9LAHRxNWKIaAtYMQAAAAAAAAAAAAAAAAAA' +
    'AAAACEAAAAAAAADDsD8AAAAAAAAQQAAAAAAAAABAAAAAAAAAFEBxNmgNhnE3UnE4dHE5YlgEAAAAaThiZXE6aCdoKEsAhXE7aCyH' +
    'cTxScT0oSwFLA4VxPmgwWAIAAABpOHE/iYiHcUBScUEoSwNYAQAAAD5xQk5OTkr/////Sv////9LAHRxQ2KJaAtYIAAAAAAAAAAA' +
    'AAABw7/Dv8O/w7/Dv8O/w7/DvgAAAAAAAAADcURoDYZxRVJxRnRxR2JYAgAAAGIxcUhoJ2goSwCFcUloLIdxSlJxSyhLAUsChXFM' +
    'aDBYAgAAAGIxcU2JiIdxTlJxTyhLA1gBAAAAfHFQTk5OSv////9K/////0sAdHFRYoloC1gCAAAAAQBxUmgNhnFTUnFUdHFVYlgF' +
    'AAAAc2NfZjRxVmNudW1weS5jb3JlLm11bHRpYXJyYXkKc2NhbGFyCnFXaDBYAgAAAGY0cViJiIdxWVJxWihLA2g0Tk5OSv////9K' +
    '/////0sAdHFbYmgLWAUAAAAAAMKAPnFcaA2GcV1ScV6GcV9ScWBYBQAAAHNjX2k4cWFoV2gwWAIAAABpOHFiiYiHcWNScWQoSwNo' +
    'NE5OTkr/////Sv////9LAHRxZWJoC1gQAAAAw7fDv8O/w7/Dv8O/w7/Dv3FmaA2GcWdScWiGcWlScWpYBgAAAG9iamFycnFraCdo' +
    'KEsAhXFsaCyHcW1ScW4oSwFLAoVxb2gwWAIAAABPOHFwiYiHcXFScXIoSwNoUE5OTkr/////Sv////9LP3Rxc2KJXXF0KH1xdVgD' +
    'AAAAbWVkcXZdcXcoSwFLAmVzTmV0cXhiWAcAAABzdHJfYXJycXloJ2goSwCFcXpoLIdxe1JxfChLAUsChXF9aDBYAgAAAFUycX6J' +
    'iIdxf1JxgChLA2g0Tk5OSwhLBEsIdHGBYoloC1gQAAAAYQAAAGIAAABjAAAAAAAAAHGCaA2GcYNScYR0cYVidS4=',
  3:
    'gAN9cQAoWAMAAABpbnRxAUsHWAMAAABuZWdxAkrU/v//WAMAAABiaWdxA4oJAAAAAAAAAABAWAUAAABmbG9hdHEERz/4AAAAAAAA' +
    'WAMAAABuYW5xBUd/+AAAAAAAAFgEAAAAbm9uZXEGTlgBAAAAdHEHiFgDAAAAc3RycQhYBgAAAGjDqWxsb3EJWAUAAABieXRlc3EK' +
    'QwMAAf9xC1gEAAAAbGlzdHEMXXENKEsBXXEOKEsCSwNlSwRLBYZxD2VYAwAAAHNldHEQY2J1aWx0aW5zCnNldApxEV1xEihLAUsC' +
    'ZYVxE1JxFFgCAAAAb2RxFWNjb2xsZWN0aW9ucwpPcmRlcmVkRGljdApxFilScRdYAQAAAGFxGEsBc0sBSwKGcRlYCAAAAHR1cGxl' +
    'a2V5cRpYBAAAAHdoZW5xG2NkYXRldGltZQpkYXRldGltZQpxHEMKB+UHGhEGKwAAAHEdhXEeUnEfWAMAAABmOEZxIGNudW1weS5j' +
    'b3JlLm11bHRpYXJyYXkKX3JlY29uc3RydWN0CnEhY251bXB5Cm5kYXJyYXkKcSJLAIVxI0MBYnEkh3ElUnEmKEsBSwJLA4ZxJ2Nu' +
    'dW1weQpkdHlwZQpxKFgCAAAAZjhxKYmIh3EqUnErKEsDWAEAAAA8cSxOTk5K/////0r/////SwB0cS1iiEMwAAAAAAAAAAAAAAAA' +
    'AAAIQAAAAAAAAPA/AAAAAAAAEEAAAAAAAAAAQAAAAAAAABRAcS50cS9iWAQAAABpOGJlcTBoIWgiSwCFcTFoJIdxMlJxMyhLAUsD' +
    'hXE0aChYAgAAAGk4cTWJiIdxNlJxNyhLA1gBAAAAPnE4Tk5OSv////9K/////0sAdHE5YolDGAAAAAAAAAAB//////////4AAAAA' +
    'AAAAA3E6dHE7YlgCAAAAYjFxPGghaCJLAIVxPWgkh3E+UnE/KEsBSwKFcUBoKFgCAAAAYjFxQYmIh3FCUnFDKEsDWAEAAAB8cURO' +
    'Tk5K/////0r/////SwB0cUViiUMCAQBxRnRxR2JYBQAAAHNjX2Y0cUhjbnVtcHkuY29yZS5tdWx0aWFycmF5CnNjYWxhcgpxSWgo' +
    'WAIAAABmNHFKiYiHcUtScUwoSwNoLE5OTkr/////Sv////9LAHRxTWJDBAAAgD5xToZxT1JxUFgFAAAAc2NfaThxUWhJaChYAgAA' +
    'AGk4cVKJiIdxU1JxVChLA2gsTk5OSv////9K/////0sAdHFVYkMI9/////////9xVoZxV1JxWFgGAAAAb2JqYXJycVloIWgiSwCF' +
    'cVpoJIdxW1JxXChLAUsChXFdaChYAgAAAE84cV6JiIdxX1JxYChLA2hETk5OSv////9K/////0s/dHFhYoldcWIofXFjWAMAAABt' +
    'ZWRxZF1xZShLAUsCZXNOZXRxZmJYBwAAAHN0cl9hcnJxZ2ghaCJLAIVxaGgkh3FpUnFqKEsBSwKFcWtoKFgCAAAAVTJxbImIh3Ft' +
    'UnFuKEsDaCxOTk5LCEsESwh0cW9iiUMQYQAAAGIAAABjAAAAAAAAAHFwdHFxYnUu',
  4:
    'gASVpAMAAAAAAAB9lCiMA2ludJRLB4wDbmVnlErU/v//jANiaWeUigkAAAAAAAAAAECMBWZsb2F0lEc/+AAAAAAAAIwDbmFulEd/' +
    '+AAAAAAAAIwEbm9uZZROjAF0lIiMA3N0cpSMBmjDqWxsb5SMBWJ5dGVzlEMDAAH/lIwEbGlzdJRdlChLAV2UKEsCSwNlSwRLBYaU' +
    'ZYwDc2V0lI+UKEsBSwKQjAJvZJSMC2NvbGxlY3Rpb25zlIwLT3JkZXJlZERpY3SUk5QpUpSMAWGUSwFzSwFLAoaUjAh0dXBsZWtl' +
    'eZSMBHdoZW6UjAhkYXRldGltZZSMCGRhdGV0aW1llJOUQwoH5QcaEQYrAAAAlIWUUpSMA2Y4RpSMFW51bXB5LmNvcmUubXVsdGlh' +
    'cnJheZSMDF9yZWNvbnN0cnVjdJSTlIwFbnVtcHmUjAduZGFycmF5lJOUSwCFlEMBYpSHlFKUKEsBSwJLA4aUaCWMBWR0eXBllJOU' +
    'jAJmOJSJiIeUUpQoSwOMATyUTk5OSv////9K/////0sAdJRiiEMwAAAAAAAAAAAAAAAAAAAIQAAAAAAAAPA/AAAAAAAAEEAAAAAA' +
    'AAAAQAAAAAAAABRAlHSUYowEaThiZZRoJGgnSwCFlGgph5RSlChLAUsDhZRoLowCaTiUiYiHlFKUKEsDjAE+lE5OTkr/////Sv//' +
    '//9LAHSUYolDGAAAAAAAAAAB//////////4AAAAAAAAAA5R0lGKMAmIxlGgkaCdLAIWUaCmHlFKUKEsBSwKFlGgujAJiMZSJiIeU' +
    'UpQoSwOMAXyUTk5OSv////9K/////0sAdJRiiUMCAQCUdJRijAVzY19mNJRoIowGc2NhbGFylJOUaC6MAmY0lImIh5RSlChLA2gy' +
    'Tk5OSv////9K/////0sAdJRiQwQAAIA+lIaUUpSMBXNjX2k4lGhQaC6MAmk4lImIh5RSlChLA2gyTk5OSv////9K/////0sAdJRi' +
    'Qwj3/////////5SGlFKUjAZvYmphcnKUaCRoJ0sAhZRoKYeUUpQoSwFLAoWUaC6MAk84lImIh5RSlChLA2hKTk5OSv////9K////' +
    '/0s/dJRiiV2UKH2UjANtZWSUXZQoSwFLAmVzTmV0lGKMB3N0cl9hcnKUaCRoJ0sAhZRoKYeUUpQoSwFLAoWUaC6MAlUylImIh5RS' +
    'lChLA2gyTk5OSwhLBEsIdJRiiUMQYQAAAGIAAABjAAAAAAAAAJR0lGJ1Lg==',
  5:
    'gAWVtwMAAAAAAAB9lCiMA2ludJRLB4wDbmVnlErU/v//jANiaWeUigkAAAAAAAAAAECMBWZsb2F0lEc/+AAAAAAAAIwDbmFulEd/' +
    '+AAAAAAAAIwEbm9uZZROjAF0lIiMA3N0cpSMBmjDqWxsb5SMBWJ5dGVzlEMDAAH/lIwEbGlzdJRdlChLAV2UKEsCSwNlSwRLBYaU' +
    'ZYwDc2V0lI+UKEsBSwKQjAJvZJSMC2NvbGxlY3Rpb25zlIwLT3JkZXJlZERpY3SUk5QpUpSMAWGUSwFzSwFLAoaUjAh0dXBsZWtl' +
    'eZSMBHdoZW6UjAhkYXRldGltZZSMCGRhdGV0aW1llJOUQwoH5QcaEQYrAAAAlIWUUpSMA2Y4RpSMEm51bXB5LmNvcmUubnVtZXJp' +
    'Y5SMC19mcm9tYnVmZmVylJOUKJYwAAAAAAAAAAAAAAAAAAAAAAAAAAAACEAAAAAAAADwPwAAAAAAABBAAAAAAAAAAEAAAAAAAAAU' +
    'QJSMBW51bXB5lIwFZHR5cGWUk5SMAmY4lImIh5RSlChLA4wBPJROTk5K/////0r/////SwB0lGJLAksDhpSMAUaUdJRSlIwEaThi' +
    'ZZRoJCiWGAAAAAAAAAAAAAAAAAAAAf/////////+AAAAAAAAAAOUaCiMAmk4lImIh5RSlChLA4wBPpROTk5K/////0r/////SwB0' +
    'lGJLA4WUjAFDlHSUUpSMAmIxlGgkKJYCAAAAAAAAAAEAlGgojAJiMZSJiIeUUpQoSwOMAXyUTk5OSv////9K/////0sAdJRiSwKF' +
    'lGg6dJRSlIwFc2NfZjSUjBVudW1weS5jb3JlLm11bHRpYXJyYXmUjAZzY2FsYXKUk5RoKIwCZjSUiYiHlFKUKEsDaCxOTk5K////' +
    '/0r/////SwB0lGJDBAAAgD6UhpRSlIwFc2NfaTiUaEpoKIwCaTiUiYiHlFKUKEsDaCxOTk5K/////0r/////SwB0lGJDCPf/////' +
    '////lIaUUpSMBm9iamFycpRoSIwMX3JlY29uc3RydWN0lJOUaCaMB25kYXJyYXmUk5RLAIWUQwFilIeUUpQoSwFLAoWUaCiMAk84' +
    'lImIh5RSlChLA2hCTk5OSv////9K/////0s/dJRiiV2UKH2UjANtZWSUXZQoSwFLAmVzTmV0lGKMB3N0cl9hcnKUaCQolhAAAAAA' +
    'AAAAYQAAAGIAAABjAAAAAAAAAJRoKIwCVTKUiYiHlFKUKEsDaCxOTk5LCEsESwh0lGJLAoWUaDp0lFKUdS4=',
};

const bytesOf = (base64: string): Uint8Array => new Uint8Array(Buffer.from(base64, 'base64'));
const latin1 = (text: string): Uint8Array => Uint8Array.from(text, (c) => c.charCodeAt(0));


const asMap = (value: PyValue): Map<unknown, PyValue> => {
  expect(value).toBeInstanceOf(Map);
  return value as Map<unknown, PyValue>;
};

function expectArray(value: PyValue | undefined, dtype: string, shape: number[], data: (number | bigint)[]): void {
  expect(value).toBeInstanceOf(PyNdArray);
  const array = value as PyNdArray;
  expect(array.dtype?.descr).toBe(dtype);
  expect(array.shape).toEqual(shape);
  expect(Array.from(array.array!.data as ArrayLike<number | bigint>)).toEqual(data);
}

function expectObject(value: PyValue): void {
  const map = asMap(value);
  expect(map.get('int')).toBe(7);
  expect(map.get('neg')).toBe(-300);
  expect(map.get('big')).toBe(2n ** 70n);
  expect(map.get('float')).toBe(1.5);
  expect(map.get('nan')).toBeNaN();
  expect(map.get('none')).toBeNull();
  expect(map.get('t')).toBe(true);
  expect(map.get('str')).toBe('héllo');
  expect(Array.from(map.get('bytes') as Uint8Array)).toEqual([0, 1, 255]);
  expect(map.get('list')).toEqual([1, [2, 3], [4, 5]]);
  expect(map.get('set')).toEqual([1, 2]);
  expect(asMap(map.get('od')!).get('a')).toBe(1);
  expect(map.get('<tuple 1, 2>')).toBe('tuplekey');
  const when = map.get('when');
  expect(when).toBeInstanceOf(PyObject);
  expect((when as PyObject).type?.qualified).toBe('datetime.datetime');
  // Fortran-order storage, read back in C order: arange(6).reshape(2, 3).
  expectArray(map.get('f8F'), '<f8', [2, 3], [0, 1, 2, 3, 4, 5]);
  expectArray(map.get('i8be'), '>i8', [3], [1n, -2n, 3n]);
  expectArray(map.get('b1'), '|b1', [2], [1, 0]);
  expect(map.get('sc_f4')).toBe(0.25);
  expect(map.get('sc_i8')).toBe(-9);
  const objects = pyItems(map.get('objarr')!)!;
  expect(objects).toHaveLength(2);
  expect(asMap(objects[0]!).get('med')).toEqual([1, 2]);
  expect(objects[1]).toBeNull();
  const strings = map.get('str_arr') as PyNdArray;
  expect(strings.array).toBeNull();
  expect(strings.undecoded).toMatch(/<U2/);
}

describe('CPython pickles', () => {
  for (const [protocol, base64] of Object.entries(PICKLES)) {
    it(`protocol ${protocol}`, () => expectObject(readPickle(bytesOf(base64), 'obj.pkl')));
  }

  it('numpy 2 module names (numpy._core)', () => {
    // Protocols 0–3 name globals as text lines, so the rename keeps the pickle valid.
    const text = Buffer.from(PICKLES[3]!, 'base64').toString('latin1').replaceAll('numpy.core.', 'numpy._core.');
    expect(text).toContain('numpy._core.multiarray\n_reconstruct');
    expectObject(readPickle(latin1(text), 'numpy2.pkl'));
  });

  it('dict keys that would be special on a JS object are only keys', () => {
    const map = asMap(readPickle(Buffer.from('80027d71002858090000005f5f70726f746f5f5f71014b01580b000000636f6e7374727563746f7271025d71034b0261752e', 'hex'), 'p.pkl'));
    expect(map.get('__proto__')).toBe(1);
    expect(map.get('constructor')).toEqual([2]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('never runs code', () => {
  it('os.system(...) reads as an inert record', () => {
    const marker = `/tmp/cajal-pickle-${process.pid}`;
    const value = readPickle(latin1(`cos\nsystem\n(S'touch ${marker}'\ntR.`), 'evil.pkl');
    expect(value).toBeInstanceOf(PyObject);
    expect((value as PyObject).type).toEqual(new PyGlobal('os', 'system'));
    expect((value as PyObject).args).toEqual([`touch ${marker}`]);
    expect(existsSync(marker)).toBe(false);
  });

  it('builtins.eval through STACK_GLOBAL, NEWOBJ and BUILD stay inert', () => {
    // proto 4: STACK_GLOBAL('builtins', 'eval'); ('1+1',) REDUCE; then NEWOBJ of a class with a BUILD state.
    const bytes = new Uint8Array([
      0x80, 0x04, 0x8c, 0x08, ...latin1('builtins'), 0x8c, 0x04, ...latin1('eval'), 0x93, 0x8c, 0x03, ...latin1('1+1'), 0x85, 0x52,
      0x8c, 0x04, ...latin1('evil'), 0x8c, 0x01, ...latin1('C'), 0x93, 0x29, 0x81, 0x7d, 0x62, 0x86, 0x2e,
    ]);
    const [call, instance] = readPickle(bytes, 'evil.pkl') as PyValue[];
    expect((call as PyObject).type?.qualified).toBe('builtins.eval');
    expect((call as PyObject).args).toEqual(['1+1']);
    expect((instance as PyObject).type?.qualified).toBe('evil.C');
    expect((instance as PyObject).state).toBeInstanceOf(Map);
  });

  it('refuses persistent ids, extension codes and out-of-band buffers', () => {
    expect(formatErrorOf(() => readPickle(latin1('Pabc\n.'), 'x.pkl')).message).toMatch(/persistent ids are not supported/);
    expect(formatErrorOf(() => readPickle(new Uint8Array([0x80, 0x02, 0x4b, 0x01, 0x51, 0x2e]), 'x.pkl')).message).toMatch(/persistent ids/);
    expect(formatErrorOf(() => readPickle(new Uint8Array([0x80, 0x02, 0x82, 0x01, 0x2e]), 'x.pkl')).message).toMatch(/extension-registry/);
    expect(formatErrorOf(() => readPickle(new Uint8Array([0x80, 0x05, 0x97, 0x2e]), 'x.pkl')).message).toMatch(/out-of-band buffers/);
  });
});

describe('malformed pickles', () => {
  it('cut off, with the byte offset in the file', () => {
    const bytes = bytesOf(PICKLES[3]!);
    const error = formatErrorOf(() => readPickle(bytes.subarray(0, 200), 'stat.npy', 128));
    expect(error.message).toMatch(/pickle: .*(cut off|without STOP)/);
    expect(error.byteOffset).toBeGreaterThanOrEqual(128);
    expect(error.byteOffset).toBeLessThanOrEqual(328);
  });

  it('stack and memo misuse', () => {
    expect(formatErrorOf(() => readPickle(new Uint8Array([0x80, 0x02, 0x74, 0x2e]), 'x.pkl')).message).toMatch(/no MARK/);
    expect(formatErrorOf(() => readPickle(new Uint8Array([0x80, 0x02, 0x85, 0x2e]), 'x.pkl')).message).toMatch(/stack underflow/);
    expect(formatErrorOf(() => readPickle(new Uint8Array([0x80, 0x02, 0x68, 0x05, 0x2e]), 'x.pkl')).message).toMatch(/memo key 5/);
    expect(formatErrorOf(() => readPickle(new Uint8Array([0x80, 0x02, 0x4b, 0x01, 0x61, 0x2e]), 'x.pkl')).message).toMatch(/stack underflow|APPEND/);
    expect(formatErrorOf(() => readPickle(new Uint8Array([0x80, 0x02, 0xff]), 'x.pkl')).message).toMatch(/unknown opcode 0xff/);
    expect(formatErrorOf(() => readPickle(new Uint8Array([0x80, 0x06, 0x2e]), 'x.pkl')).message).toMatch(/protocol above 5/);
    expect(formatErrorOf(() => readPickle(new Uint8Array([]), 'x.pkl')).message).toMatch(/without STOP/);
  });

  it('a numpy array whose bytes are fewer than its shape needs', () => {
    const text = Buffer.from(PICKLES[3]!, 'base64').toString('latin1');
    // The f8F array's 48 data bytes are written as SHORT_BINBYTES "C0" (0x30 = 48): claim (3, 3).
    const broken = text.replace('K\x01K\x02K\x03\x86', 'K\x01K\x03K\x03\x86');
    expect(broken).not.toBe(text);
    expect(formatErrorOf(() => readPickle(latin1(broken), 'x.pkl')).message).toMatch(/data is truncated: shape \(3, 3\) of float64 needs 72 bytes/);
  });
});

describe('accessors', () => {
  it('pyNumber and pyNumbers take numbers, numpy scalars, lists and arrays', () => {
    const dtype = new PyDtype('f8');
    dtype.byteOrder = '<';
    const array = new PyNdArray();
    array.array = { dtype: 'int64', shape: [2], data: BigInt64Array.from([144n, 62n]) };
    expect(pyNumber(3)).toBe(3);
    expect(pyNumber(5n)).toBe(5);
    expect(pyNumber(true)).toBe(1);
    expect(pyNumber('3')).toBeUndefined();
    expect(pyNumbers([144, 62])).toEqual([144, 62]);
    expect(pyNumbers(array)).toEqual([144, 62]);
    expect(pyNumbers([1, 'x'])).toBeUndefined();
    expect(dtype.descr).toBe('<f8');
  });
});
